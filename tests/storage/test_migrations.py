"""The Alembic migrations are the schema: they run on SQLite and PostgreSQL and match the models."""

from collections.abc import Iterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlmodel import SQLModel

import storage.tables  # noqa: F401  (registers every table on SQLModel.metadata)
from storage.db import normalize_url
from storage.migrate import upgrade
from tests.conftest import fresh_postgres_schema

EXPECTED_TABLES = {
    "workspace",
    "team",
    "member",
    "ritual",
    "occurrence",
    "answer",
    "story",
    "anonymousanswer",
    "anonymousguard",
    "teamweekrollup",
    "teamitemrollup",
    "figureaudit",
    "publishedweek",
    "outboxmessage",
    "outboxlease",
    "havenadmin",
    "digestsettings",
    "leaderprofile",
    "digestdelivery",
    "leadercommitment",
    "slackevent",
    "slackuser",
    "teamsconversation",
    "teamsrostermember",
    "dashboardlinkuse",
    "dashboardsession",
    "teamretention",
    "workspaceerasure",
    "alembic_version",
}


def differences(url: str) -> list[object]:
    """Return what Alembic finds different between the migrated database and the models."""
    engine = create_engine(normalize_url(url))
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, SQLModel.metadata)
    engine.dispose()
    return diff


def test_migrations_build_the_schema_on_a_fresh_sqlite_file(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    upgrade(url)
    upgrade(url)  # running again is a no-op
    tables = set(inspect(create_engine(url)).get_table_names())
    assert tables == EXPECTED_TABLES
    assert differences(url) == []


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """Return the URL of an empty PostgreSQL schema."""
    yield from fresh_postgres_schema()


def test_migrations_build_the_schema_on_postgresql(postgres_url):
    upgrade(postgres_url)
    engine = create_engine(postgres_url)
    assert set(inspect(engine).get_table_names()) == EXPECTED_TABLES
    engine.dispose()
    assert differences(postgres_url) == []


def test_the_occurrence_key_is_unique_on_postgresql(postgres_url):
    upgrade(postgres_url)
    engine = create_engine(postgres_url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO workspace (platform, external_id, name) VALUES ('console', 'local', '')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO team (workspace_id, name, channel, timezone, working_days, threshold_numbers, "
                "threshold_texts, members_from_channel) SELECT id, 'T', 'room', 'UTC', 'mon', 3, 5, true FROM workspace"
            )
        )
        connection.execute(
            text(
                "INSERT INTO ritual (team_id, name, kind, schedule, mode, question, window_minutes, paused) "
                "SELECT id, 'checkin', 'checkin', '0 9 * * mon', 'shared', '', 0, false FROM team"
            )
        )
    insert = text(
        "INSERT INTO occurrence (ritual_id, scheduled_at, closes_at, iso_week, sequence, status, invited_count, "
        "pulse_items, message_ref, reminded) SELECT id, '2026-11-23 09:00+00', '2026-11-23 13:00+00', "
        "'2026-W48', 0, 'open', 0, '', '', false FROM ritual"
    )
    with engine.begin() as connection:
        connection.execute(insert)
    with pytest.raises(Exception, match=r"unique|duplicate"), engine.begin() as connection:
        connection.execute(insert)
    engine.dispose()


def test_sqlite_files_use_a_write_ahead_log(tmp_path):
    from storage.db import get_engine

    engine = get_engine(f"sqlite:///{tmp_path / 'wal.db'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
    engine.dispose()
