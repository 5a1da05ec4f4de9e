"""SQLite serves one `haven serve` at a time: an exclusive lock on a file beside the database.

The lock belongs to the open file, so the kernel releases it when the process ends in any way,
`kill -9` included: a restart after a crash is never refused.
"""

import fcntl
from pathlib import Path
from typing import IO

from sqlalchemy.engine import make_url


class DatabaseInUse(Exception):
    """Another process already serves this SQLite file."""


def claim_sqlite_file(url: str) -> IO[str] | None:
    """Hold this process's claim on a SQLite database; raise DatabaseInUse when another holds it.

    Return the open lock file (keep it for the life of the process), or None when the
    database is not a SQLite file and needs no claim.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    database = Path(parsed.database).resolve()
    handle = database.with_name(database.name + ".serving").open("a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise DatabaseInUse(
            f"another `haven serve` already uses {database}. SQLite serves one process: stop "
            "the other one, or set DATABASE_URL to PostgreSQL to run several replicas."
        ) from None
    return handle
