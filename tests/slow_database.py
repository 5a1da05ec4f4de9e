"""A database that takes its time, and a probe of how long /healthz takes meanwhile."""

import asyncio
import gc
import threading
import time
from collections.abc import Awaitable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from aiohttp.test_utils import TestClient
from sqlalchemy import event
from sqlalchemy.engine import Engine

SLOW = 0.75  # seconds every statement of the request under test waits in the database
FAST = 0.6  # what /healthz may take meanwhile: less than one slow statement


@dataclass
class Observed:
    """What happened while the database was slow."""

    slowest_health_check: float = 0.0
    on_the_loop: list[str] = field(default_factory=list)  # statements run on the event loop


@contextmanager
def slow_database(engine: Engine, observed: Observed) -> Iterator[None]:
    """Make every statement but the health ping wait SLOW seconds; note those run on the loop."""
    loop_thread = threading.current_thread()

    def wait(_conn, _cursor, statement: str, *_args) -> None:  # type: ignore[no-untyped-def]
        if statement.strip() == "SELECT 1":
            return
        if threading.current_thread() is loop_thread:
            observed.on_the_loop.append(statement.split("\n")[0][:80])
        time.sleep(SLOW)

    event.listen(engine, "before_cursor_execute", wait)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", wait)


async def on_a_slow_database(
    *, client: TestClient, engine: Engine, request: Awaitable[object]
) -> Observed:
    """Run the request on a slow database, asking /healthz back to back meanwhile.

    One health check is always in flight, so any stall of the event loop delays one of them.
    """
    await (await client.get("/healthz")).read()  # the first ping has answered
    observed = Observed()
    # In a long test run a full collection of earlier tests' garbage can pause this process for
    # most of a second; frozen, it is left alone, and only the request's own pauses are measured.
    gc.collect()
    gc.freeze()
    try:
        with slow_database(engine, observed):
            task = asyncio.ensure_future(request)
            while not task.done():
                started = time.perf_counter()
                await (await client.get("/healthz")).read()
                observed.slowest_health_check = max(
                    observed.slowest_health_check, time.perf_counter() - started
                )
            await task
    finally:
        gc.unfreeze()
    return observed


def assert_the_loop_never_waited(observed: Observed) -> None:
    """Fail when a statement ran on the event loop or /healthz waited for one."""
    assert observed.on_the_loop == [], "statements run on the event loop"
    assert observed.slowest_health_check < FAST, (
        f"/healthz took {observed.slowest_health_check:.2f} s while the request used the database"
    )
