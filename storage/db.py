"""Database engine and sessions: a SQLite file by default, PostgreSQL when DATABASE_URL says so."""

import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from functools import lru_cache
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

DEFAULT_DATABASE_URL = "sqlite:///haven.db"


def normalize_url(url: str | None) -> str:
    """Return a SQLAlchemy URL, defaulting to SQLite and choosing psycopg 3 for PostgreSQL."""
    if not url:
        return DEFAULT_DATABASE_URL
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _configure_sqlite_connection(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    # A write-ahead log lets readers and the writer work at once, and NORMAL syncs at checkpoints
    # instead of at every commit: still crash-safe for the process, far fewer fsyncs per answer.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Deleted rows are overwritten with zeros, so a rewritten anonymous answer, an erased row or a
    # replaced secret leaves no old copy in the file; storage.old_versions truncates the WAL after.
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


DEFAULT_POOL_SIZE = 5  # connections kept open per process (PostgreSQL), as SQLAlchemy's default
POOL_TIMEOUT_SECONDS = 10  # wait at most this long for a free connection, then fail clearly


def sqlite_path(url: str) -> Path | None:
    """Return the file of a SQLite URL, or None for other databases and in-memory SQLite."""
    if not url.startswith("sqlite") or "///" not in url:
        return None
    db_path = url.split("///", 1)[-1].split("?", 1)[0]
    return Path(db_path) if db_path and db_path != ":memory:" else None


def make_private_sqlite_file(url: str) -> None:
    """Create the SQLite file (and fix an existing one) readable by this user only."""
    path = sqlite_path(normalize_url(url))
    if path is None or not path.parent.is_dir():
        return  # SQLite itself says the directory is missing
    # SQLite gives the WAL and shared-memory files the mode of the database file. Never open and
    # close an existing database file here: closing any descriptor of it drops every POSIX lock
    # this process's SQLite connections hold on it, which lets another writer corrupt it.
    if not path.exists():
        with suppress(FileExistsError):  # another process created it first: chmod-ed below
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    for file in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        if file.exists():
            file.chmod(0o600)


@lru_cache(maxsize=8)
def get_engine(url: str | None = None, *, pool_size: int = DEFAULT_POOL_SIZE) -> Engine:
    """Return the (cached) engine for a database URL, with pool_size connections on PostgreSQL."""
    url = normalize_url(url)
    if url.startswith("sqlite"):
        path = sqlite_path(url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "do_connect", lambda *_: make_private_sqlite_file(url))
        event.listen(engine, "connect", _configure_sqlite_connection)
        return engine
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_timeout=POOL_TIMEOUT_SECONDS,
    )


def flush_erased_pages(engine: Engine) -> None:
    """Copy SQLite's write-ahead log into the file and empty it, so old page versions are gone."""
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """Yield a session that commits on success and rolls back on error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
