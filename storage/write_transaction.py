"""A write transaction that savepoints can nest in, on SQLite as on PostgreSQL."""

from sqlmodel import Session


def begin_writing(session: Session) -> None:
    """Start the session's transaction now; on SQLite take the write lock at once.

    pysqlite opens a transaction only at the first INSERT or UPDATE, so a SAVEPOINT issued
    before that would open (and its RELEASE commit) a transaction of its own. An explicit
    BEGIN IMMEDIATE makes every savepoint nest inside the one transaction, and taking the lock
    first means no other writer can change what this transaction reads before it writes.
    """
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")
