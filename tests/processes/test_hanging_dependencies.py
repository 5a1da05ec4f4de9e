"""A real `haven serve` while one dependency hangs: health checks answer in time, answers are stored."""

import asyncio
import contextlib
import time

import aiohttp

from storage.migrate import upgrade
from tests.bot.slack.fake_slack import FakeSlack
from tests.conftest import fresh_postgres_schema
from tests.processes.frozen_proxy import FreezingProxy
from tests.processes.seeding import open_slack_checkin, stored_checkins
from tests.processes.served import (
    mood_click,
    signed_headers,
    slack_env,
    start_haven,
    wait_until_up,
)

HEALTHY = 0.1  # /healthz answers within 100 ms, whatever hangs
READY = 1.5  # /readyz answers within its 1 s bound (and the trip over loopback)
PING_SECONDS = 2.0  # bot/database_watch.py: a ping unanswered this long is an error


async def timed_get(http: aiohttp.ClientSession, url: str) -> tuple[float, int, dict]:  # type: ignore[type-arg]
    """GET a URL; return how long it took, the status and the JSON body."""
    started = time.perf_counter()
    async with http.get(url) as response:
        body = await response.json()
    return time.perf_counter() - started, response.status, body


async def test_health_checks_answer_in_time_while_the_database_hangs(tmp_path):
    schema = fresh_postgres_schema()
    database_url = next(schema)
    upgrade(database_url)
    proxy = await FreezingProxy("127.0.0.1", 5432).start()
    proxied = database_url.replace("127.0.0.1:5432", f"127.0.0.1:{proxy.port}")
    served = start_haven(
        env={"DATABASE_URL": proxied, "HAVEN_ENV": "development"}, log=tmp_path / "haven.log"
    )
    try:
        await wait_until_up(served)
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as http:
            assert (await timed_get(http, f"{served.url}/readyz"))[1] == 200
            proxy.freeze()  # every connection stays open; no byte gets through any more
            frozen_at = time.monotonic()
            first_ready = await timed_get(http, f"{served.url}/readyz")  # before a ping failed
            polls = []
            while time.monotonic() - frozen_at < PING_SECONDS + 1.0:
                took, status, body = await timed_get(http, f"{served.url}/healthz")
                polls.append((took, status, body["database"]))
                await asyncio.sleep(0.05)  # a load balancer's polls
            took_ready, status_ready, ready = await timed_get(http, f"{served.url}/readyz")
        slowest = max(took for took, _, _ in polls)
        assert slowest < HEALTHY, f"/healthz took {slowest * 1000:.0f} ms"
        assert polls[-1][1:] == (503, "error: no answer within 2 s")
        for took, status, body in (first_ready, (took_ready, status_ready, ready)):
            assert took < READY and status == 503, (took, body)
            assert body["status"] == "not ready"
    finally:
        served.kill()
        await proxy.close()
        with contextlib.suppress(StopIteration):
            next(schema)


async def test_clicks_are_stored_and_healthz_answers_while_the_slack_api_hangs(tmp_path):
    fake = await FakeSlack(anyone=True, page_size=1000).start()
    fake.channels["C0HANG"] = ["U00000"]
    database_url = f"sqlite:///{tmp_path / 'haven.db'}"
    served = None
    try:
        occurrence_id = await open_slack_checkin(
            database_url=database_url, api_url=fake.url, channel="C0HANG"
        )
        for method in ("chat.postEphemeral", "users.info", "chat.postMessage"):
            fake.delay[method] = 60.0  # Slack answers nothing any more
        served = start_haven(
            env=slack_env(database_url=database_url, api_url=fake.url), log=tmp_path / "haven.log"
        )
        await wait_until_up(served)
        url = f"{served.url}/slack/events"
        async with aiohttp.ClientSession() as http:
            for n in range(10):
                body = mood_click(
                    occurrence_id=occurrence_id, user=f"U{n:05d}", mood=4, channel="C0HANG"
                )
                async with http.post(url, data=body, headers=signed_headers(body)) as response:
                    assert response.status == 200
                took, status, _ = await timed_get(http, f"{served.url}/healthz")
                assert took < HEALTHY and status == 200, f"/healthz took {took * 1000:.0f} ms"
        stored = stored_checkins(database_url=database_url, occurrence_id=occurrence_id)
        assert len(stored) == 10  # every acknowledged click is stored, names and all to follow
    finally:
        if served is not None:
            served.kill()
        await fake.close()
