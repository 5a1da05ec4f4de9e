"""/healthz answers at once while the database hangs, and says so once it has hung for a while."""

import asyncio
import time

from aiohttp.test_utils import TestClient, TestServer

from bot import database_watch
from bot.server import create_app
from bot.settings import Settings


async def test_healthz_answers_within_100_ms_while_the_database_hangs(
    database_url, notifiers, monkeypatch
):
    monkeypatch.setattr(database_watch, "PING_SECONDS", 0.5)
    app = create_app(
        settings=Settings(DATABASE_URL=database_url), notifiers=notifiers, schedule=False
    )
    client = TestClient(TestServer(app))
    await client.start_server()
    try:
        assert (await client.get("/healthz")).status == 200
        answer = database_watch.ping
        monkeypatch.setattr(database_watch, "ping", lambda engine: (time.sleep(2), answer(engine)))
        said, slowest, started = [], 0.0, time.perf_counter()
        while time.perf_counter() - started < 1.2:
            asked = time.perf_counter()
            response = await client.get("/healthz")
            slowest = max(slowest, time.perf_counter() - asked)
            said.append((response.status, (await response.json())["database"]))
            await asyncio.sleep(0.05)  # a load balancer's polls, not a busy loop
        assert slowest < 0.1, f"/healthz took {slowest * 1000:.0f} ms; {len(said)} polls"
        assert said[0] == (200, "ok")
        assert said[-1] == (503, "error: no answer within 0.5 s")
    finally:
        await client.close()
