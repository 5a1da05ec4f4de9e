"""Only one process schedules at a time: a PostgreSQL advisory lock held on its own connection."""

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

LOCK_KEY = 0x4A7E_5AFE  # Haven's scheduler lock


def try_acquire(engine: Engine) -> Connection | None:
    """Return a connection holding the scheduler lock, or None if another process holds it.

    SQLite serves one process, so the lock is always granted there without a connection.
    """
    if engine.dialect.name != "postgresql":
        return None
    connection = engine.connect()
    acquired = connection.execute(
        text("SELECT pg_try_advisory_lock(:key)"), {"key": LOCK_KEY}
    ).scalar()
    connection.commit()
    if acquired:
        return connection
    connection.close()
    raise LockHeld("another Haven process is scheduling")


def release(connection: Connection | None) -> None:
    """Give the lock back by closing its connection."""
    if connection is not None:
        connection.close()


class LockHeld(Exception):
    """The scheduler lock belongs to another process."""
