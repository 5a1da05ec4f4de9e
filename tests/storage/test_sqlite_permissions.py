"""The SQLite file and its write-ahead log are readable by Haven's user only."""

import stat
from pathlib import Path

from sqlalchemy import text

from storage.db import get_engine
from storage.migrate import upgrade


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_database_file_and_its_wal_are_private(tmp_path: Path) -> None:
    path = tmp_path / "haven.db"
    upgrade(f"sqlite:///{path}")
    engine = get_engine(f"sqlite:///{path}")
    try:
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE IF NOT EXISTS probe (x INTEGER)"))
            connection.execute(text("INSERT INTO probe VALUES (1)"))
            wal = Path(f"{path}-wal")
            assert wal.exists()
            assert mode(wal) == 0o600
        assert mode(path) == 0o600
    finally:
        engine.dispose()
        get_engine.cache_clear()


def test_an_existing_world_readable_file_is_made_private(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    path.touch(mode=0o644)
    path.chmod(0o644)
    engine = get_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        assert mode(path) == 0o600
    finally:
        engine.dispose()
        get_engine.cache_clear()
