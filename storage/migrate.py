"""Run Alembic migrations programmatically: the migrations are the source of the schema."""

from pathlib import Path

from alembic import command
from alembic.config import Config

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
