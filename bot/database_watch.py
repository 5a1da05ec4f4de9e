"""The database as health checks see it: pinged in a worker thread, the answer kept for everyone.

A health check must answer at once even when the database hangs. One ping at a time runs in a
worker thread; every check reads its last answer, or says the database has not answered for
PING_SECONDS when the ping in flight is older than that.
"""

import asyncio
import time

from sqlalchemy import text
from sqlalchemy.engine import Engine

PING_SECONDS = 2.0  # a ping unanswered this long means the database is in trouble


def ping(engine: Engine) -> None:
    """Ask the database one trivial question (blocking: run it in a worker thread)."""
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))


class DatabaseWatch:
    """Keeps the database's last answer to a ping, pinging again at most once per check."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.status = ""  # "" until the first ping has answered
        self._ping: asyncio.Task[None] | None = None
        self._since = 0.0

    async def current(self) -> str:
        """Return "ok" or what is wrong, without waiting on a database that hangs."""
        if self._ping is None or self._ping.done():
            self._since = time.monotonic()
            self._ping = asyncio.create_task(self._ask())
        if not self.status:  # the first check waits for the first answer, a bounded while
            await asyncio.wait([self._ping], timeout=PING_SECONDS)
        if not self._ping.done() and time.monotonic() - self._since >= PING_SECONDS:
            return f"error: no answer within {PING_SECONDS:g} s"
        return self.status or f"error: no answer within {PING_SECONDS:g} s"

    async def _ask(self) -> None:
        try:
            await asyncio.to_thread(ping, self.engine)
        except Exception as error:  # the check must answer even when the database does not
            self.status = f"error: {type(error).__name__}"
        else:
            self.status = "ok"
