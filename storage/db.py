"""Database engine and sessions: a SQLite file by default, PostgreSQL when DATABASE_URL says so."""

from collections.abc import Iterator
from contextlib import contextmanager
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
    cursor.close()


DEFAULT_POOL_SIZE = 5  # connections kept open per process (PostgreSQL), as SQLAlchemy's default
POOL_TIMEOUT_SECONDS = 10  # wait at most this long for a free connection, then fail clearly


@lru_cache(maxsize=8)
def get_engine(url: str | None = None, *, pool_size: int = DEFAULT_POOL_SIZE) -> Engine:
    """Return the (cached) engine for a database URL, with pool_size connections on PostgreSQL."""
    url = normalize_url(url)
    if url.startswith("sqlite"):
        db_path = url.split("///", 1)[-1]
        if db_path and db_path != ":memory:":
            Path(db_path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _configure_sqlite_connection)
        return engine
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_timeout=POOL_TIMEOUT_SECONDS,
    )


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
