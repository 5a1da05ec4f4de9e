"""Only one process schedules at a time: a PostgreSQL advisory lock held on its own connection.

The lock is keyed by database and schema, so separate Haven installations sharing a server
(or parallel test runs in their own schemas) do not block each other.
"""

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

LOCK_NAMESPACE = "haven-scheduler"


def try_acquire(engine: Engine) -> Connection | None:
    """Return a connection holding the scheduler lock; raise LockHeld if another process has it.

    SQLite serves one process, so there the lock is granted without a connection (None).
    """
    if engine.dialect.name != "postgresql":
        return None
    connection = engine.connect()
    key = connection.execute(
        text("SELECT hashtext(:namespace || current_database() || '.' || current_schema())"),
        {"namespace": LOCK_NAMESPACE},
    ).scalar()
    acquired = connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}).scalar()
    connection.commit()
    if acquired:
        return connection
    connection.close()
    raise LockHeld("another Haven process is scheduling")


def release(connection: Connection | None) -> None:
    """Give the lock back; closing alone would return the session, lock and all, to the pool."""
    if connection is None:
        return
    try:
        connection.execute(text("SELECT pg_advisory_unlock_all()"))
        connection.commit()
    finally:
        connection.close()


class LockHeld(Exception):
    """The scheduler lock belongs to another process."""
