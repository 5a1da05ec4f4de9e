"""Database work on a request path runs in a worker thread: the event loop never waits on it.

Every listener and endpoint that reads or writes the database goes through `in_session`, so a slow
or hanging database delays only the request that needs it, never /healthz or anyone else's click.
"""

import asyncio
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.engine import Engine
from sqlmodel import Session

from storage.db import session_scope

T = TypeVar("T")


async def in_session(engine: Engine, work: Callable[[Session], T]) -> T:
    """Run work(session) in a worker thread; commit when it returns, roll back when it raises."""
    return await asyncio.to_thread(_run, engine, work)


def _run(engine: Engine, work: Callable[[Session], T]) -> T:
    with session_scope(engine) as session:
        return work(session)
