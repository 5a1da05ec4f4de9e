"""Only one process schedules at a time: a PostgreSQL advisory lock held on its own connection.

The lock is keyed by database and schema, so separate Haven installations sharing a server
(or parallel test runs in their own schemas) do not block each other.
"""

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

LOCK_NAMESPACE = "haven-scheduler"


LOCK_KEY = text("SELECT hashtext(:namespace || current_database() || '.' || current_schema())")


def try_acquire(engine: Engine, *, holder: str = "") -> Connection | None:
    """Return a connection holding the scheduler lock; raise LockHeld if another process has it.

    The holder (this replica's name) is set as the connection's application_name, so every
    replica can tell which one schedules. SQLite serves one process, so there the lock is
    granted without a connection (None).
    """
    if engine.dialect.name != "postgresql":
        return None
    connection = engine.connect()
    try:
        key = connection.execute(LOCK_KEY, {"namespace": LOCK_NAMESPACE}).scalar()
        acquired = connection.execute(
            text("SELECT pg_try_advisory_lock(:key)"), {"key": key}
        ).scalar()
        if acquired and holder:
            connection.execute(
                text("SELECT set_config('application_name', :holder, false)"),
                {"holder": holder[:63]},
            )
        connection.commit()
    except BaseException:
        connection.close()
        raise
    if acquired:
        return connection
    connection.close()
    raise LockHeld("another Haven process is scheduling")


def lock_holder(engine: Engine) -> str | None:
    """Return the name of the replica holding the scheduler lock, or None when nobody holds it."""
    if engine.dialect.name != "postgresql":
        return None
    with engine.connect() as connection:
        key = connection.execute(LOCK_KEY, {"namespace": LOCK_NAMESPACE}).scalar()
        return connection.execute(
            text(
                "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a "
                "ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted "
                "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
                "AND ((l.classid::bigint << 32) | l.objid::bigint) = (:key)::bigint"
            ),
            {"key": key},
        ).scalar()


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


def still_held(connection: Connection) -> bool:
    """Return whether the lock's connection still answers (the server drops the lock with it)."""
    try:
        connection.execute(text("SELECT 1")).scalar()
        connection.commit()
    except Exception:
        return False
    return True
