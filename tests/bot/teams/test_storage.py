"""Teams tables come from migration 0003_teams, match their models, and botbuilder stays in bot/teams."""

import ast
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect
from sqlmodel import SQLModel

import storage.models_teams  # noqa: F401
from storage.db import normalize_url

ROOT = Path(__file__).resolve().parents[3]
TEAMS_TABLES = {"teamsconversation", "teamsrostermember"}


def test_the_teams_migration_builds_tables_that_match_the_models(database_url):
    engine = create_engine(normalize_url(database_url))
    assert set(inspect(engine).get_table_names()) >= TEAMS_TABLES
    with engine.connect() as connection:
        diff = compare_metadata(
            MigrationContext.configure(connection, opts={"compare_type": True}), SQLModel.metadata
        )
    engine.dispose()
    assert [d for d in diff if any(table in str(d) for table in TEAMS_TABLES)] == []


def test_teams_rows_carry_no_timestamp():
    for table in TEAMS_TABLES:
        columns = SQLModel.metadata.tables[table].columns
        assert not [
            c.name for c in columns if "time" in str(c.type).lower() or c.name.endswith("_at")
        ]


def test_botbuilder_is_imported_only_under_bot_teams():
    users = []
    for path in sorted(ROOT.glob("**/*.py")):
        if ".venv" in path.parts or "tests" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {
            alias.name.split(".")[0]
            for node in ast.walk(tree)
            if isinstance(node, ast.Import)
            for alias in node.names
        } | {
            node.module.split(".")[0]
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0
        }
        if names & {"botbuilder", "botframework", "msrest"}:
            users.append(path.relative_to(ROOT))
    assert users and all(path.parts[:2] == ("bot", "teams") for path in users), users
