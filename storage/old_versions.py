"""Erase the old versions of rewritten anonymous rows from the database's files."""

import logging
import re
import time
from collections.abc import Sequence

from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from storage.models import AnonymousAnswer, AnonymousGuard

log = logging.getLogger(__name__)

ANONYMOUS_TABLES = (AnonymousAnswer.__tablename__, AnonymousGuard.__tablename__)
CHECKPOINT_ATTEMPTS = 20
CHECKPOINT_WAIT_SECONDS = 0.05
BUSY_TIMEOUT_MS = 30_000  # as storage.db configures every SQLite connection
VACUUM_LOCK_TIMEOUT = "5s"
VACUUM_ATTEMPTS = 12
VACUUM_WAIT_SECONDS = 0.25
# VACUUM VERBOSE's detail when a transaction that started before the rewrite still sees the old
# rows (a server whose messages are not in English is not recognised, and gets one attempt).
KEPT_BACK = re.compile(r"(\d+) dead row versions cannot be removed yet")


def erase_old_versions(*, session: Session, compact: bool = False) -> bool:
    """Drop the old row versions from the files: SQLite's WAL, or (compact) PostgreSQL's tables.

    SQLite zeroes deleted rows (secure_delete) and keeps earlier page images only in the WAL: a
    truncating checkpoint removes them. PostgreSQL keeps dead tuples until VACUUM; VACUUM FULL
    also rewrites the files, so no freed space keeps old bytes. Return whether it all went.
    """
    engine = session.get_bind()
    if engine.dialect.name == "sqlite":
        return _checkpoint_sqlite(engine)
    if engine.dialect.name == "postgresql" and compact:
        return _vacuum_postgres(engine)
    return True


def _checkpoint_sqlite(engine: Engine) -> bool:
    """Copy the WAL into the database file and truncate it, retrying while readers hold it."""
    with engine.connect() as connection:
        raw = connection.connection.dbapi_connection
        raw.execute("PRAGMA busy_timeout=50")  # a reader must not stall the caller for long
        try:
            for _ in range(CHECKPOINT_ATTEMPTS):
                busy, _, _ = raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
                if not busy:
                    return True
                time.sleep(CHECKPOINT_WAIT_SECONDS)
        finally:
            raw.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    log.warning("the SQLite WAL could not be truncated yet; the next anonymous write retries")
    return False


def _vacuum_postgres(engine: Engine) -> bool:
    """Rewrite the anonymous tables on a connection of their own, outside any transaction."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        return vacuum_full(connection)


def vacuum_full(connection: Connection, *, tables: Sequence[str] = ANONYMOUS_TABLES) -> bool:
    """Run VACUUM FULL on tables (AUTOCOMMIT), again while older snapshots keep old rows."""
    names = ", ".join(tables)
    kept_back: list[int] = []

    def count_kept_back(diagnostic) -> None:  # type: ignore[no-untyped-def]
        found = KEPT_BACK.search(diagnostic.message_detail or "")
        if found:
            kept_back.append(int(found.group(1)))

    raw = connection.connection.dbapi_connection
    raw.add_notice_handler(count_kept_back)
    try:
        connection.exec_driver_sql(f"SET lock_timeout = '{VACUUM_LOCK_TIMEOUT}'")
        for _ in range(VACUUM_ATTEMPTS):
            kept_back.clear()
            try:
                connection.exec_driver_sql(f"VACUUM (FULL, VERBOSE) {names}")
            except OperationalError:
                log.warning("the anonymous tables were busy; VACUUM without FULL for now")
                connection.exec_driver_sql(f"VACUUM {names}")
                return False
            if not sum(kept_back):
                return True
            time.sleep(VACUUM_WAIT_SECONDS)
    finally:
        raw.remove_notice_handler(count_kept_back)
        connection.exec_driver_sql("RESET lock_timeout")
    log.warning("older transactions still see old anonymous rows; the next close removes them")
    return False
