"""Run Alembic migrations programmatically: the migrations are the source of the schema."""

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from storage.db import make_private_sqlite_file, normalize_url, sqlite_path

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(url: str | None) -> Config:
    """Build an Alembic config pointing at Haven's migrations and the given database."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", normalize_url(url).replace("%", "%%"))
    return config


def upgrade(url: str | None, revision: str = "head") -> None:
    """Bring the database at url up to the given revision."""
    path = sqlite_path(normalize_url(url))
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    make_private_sqlite_file(normalize_url(url))
    command.upgrade(alembic_config(url), revision)


def pending_migrations(engine: Engine) -> list[str]:
    """Return the revisions the database still lacks (empty when it is current); blocking."""
    script = ScriptDirectory.from_config(alembic_config(None))
    with engine.connect() as connection:
        applied = set(MigrationContext.configure(connection).get_current_heads())
    if applied.issuperset(script.get_heads()):
        return []
    missing = [
        revision.revision
        for revision in script.walk_revisions()
        if revision.revision not in applied
        and not any(
            script.get_revision(a) is not None and _descends(script, a, revision.revision)
            for a in applied
        )
    ]
    return list(reversed(missing))


def _descends(script: ScriptDirectory, head: str, revision: str) -> bool:
    """Return whether revision is head or one of its ancestors."""
    return any(r.revision == revision for r in script.iterate_revisions(head, "base"))
