"""Scheduler jobs take turns for the database: a few hold a session at once, the others wait.

A job that opens a round holds a database session while it waits on the platform. A thousand of
them started in the same second took every pooled connection, and the next one to ask blocked the
event loop for the pool's whole timeout while the holders, needing that loop, could not go on
(`QueuePool limit ... timeout 30.00`, `/healthz` stalled). Waiting for a turn is an asyncio wait
that holds nothing, and half the pool always stays free for requests and health checks.
"""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from weakref import WeakKeyDictionary

from sqlalchemy.engine import Engine

_turns: "WeakKeyDictionary[asyncio.AbstractEventLoop, dict[int, asyncio.Semaphore]]" = (
    WeakKeyDictionary()
)


def turns_for(engine: Engine) -> int:
    """Return how many jobs may hold a session at once: half the pool, at least one."""
    size = getattr(engine.pool, "size", None)
    return max(1, size() // 2) if callable(size) else 1


@asynccontextmanager
async def database_turn(engine: Engine) -> AsyncIterator[None]:
    """Wait (holding nothing) until a turn is free, and hold it for the block."""
    by_engine = _turns.setdefault(asyncio.get_running_loop(), {})
    turns = by_engine.setdefault(id(engine), asyncio.Semaphore(turns_for(engine)))
    async with turns:
        yield
