"""Acknowledged means stored: a real `haven serve` killed with SIGKILL during a burst of clicks."""

import asyncio
import contextlib

import aiohttp

from tests.bot.slack.fake_slack import FakeSlack
from tests.processes.seeding import open_slack_checkin, stored_checkins
from tests.processes.served import (
    mood_click,
    signed_headers,
    slack_env,
    start_haven,
    wait_until_up,
)

CHANNEL = "C0BURST"
PEOPLE = 400
IN_FLIGHT = 32
KILL_AFTER = 150


async def burst_until_killed(*, url: str, occurrence_id: int, kill) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Click as PEOPLE people, IN_FLIGHT at a time; kill after KILL_AFTER acks; return the acked."""
    acknowledged: dict[str, int] = {}
    queue = [(f"U{n:05d}", 1 + n % 5) for n in range(PEOPLE)]
    killed = asyncio.Event()

    async def clicker(http: aiohttp.ClientSession) -> None:
        while queue and not killed.is_set():
            user, mood = queue.pop()
            body = mood_click(occurrence_id=occurrence_id, user=user, mood=mood, channel=CHANNEL)
            try:
                async with http.post(url, data=body, headers=signed_headers(body)) as response:
                    await response.read()
                    if response.status == 200:
                        acknowledged[user] = mood
            except aiohttp.ClientError:
                return  # the process is gone: this click was never acknowledged
            if len(acknowledged) >= KILL_AFTER and not killed.is_set():
                killed.set()
                kill()

    timeout = aiohttp.ClientTimeout(total=20)
    async with aiohttp.ClientSession(timeout=timeout) as http:
        await asyncio.gather(*(clicker(http) for _ in range(IN_FLIGHT)))
    return acknowledged


async def test_no_acknowledged_click_is_lost_when_the_process_is_killed(tmp_path):
    fake = await FakeSlack(anyone=True, page_size=1000).start()
    fake.channels[CHANNEL] = ["U00000", "U00001", "U00002"]  # the rest join by clicking
    database_url = f"sqlite:///{tmp_path / 'haven.db'}"
    served = None
    try:
        occurrence_id = await open_slack_checkin(
            database_url=database_url, api_url=fake.url, channel=CHANNEL
        )
        env = slack_env(database_url=database_url, api_url=fake.url)
        served = start_haven(env=env, log=tmp_path / "haven.log")
        await wait_until_up(served)
        acknowledged = await burst_until_killed(
            url=f"{served.url}/slack/events", occurrence_id=occurrence_id, kill=served.kill
        )
        served.kill()
        restarted = start_haven(env=env, log=tmp_path / "haven.log")
        try:
            await wait_until_up(restarted)
        finally:
            restarted.stop()
        stored = stored_checkins(database_url=database_url, occurrence_id=occurrence_id)
        assert len(acknowledged) >= KILL_AFTER
        lost = {user for user in acknowledged if stored.get(user) != acknowledged[user]}
        assert lost == set(), f"{len(lost)} of {len(acknowledged)} acknowledged clicks lost"
    finally:
        if served is not None:
            with contextlib.suppress(Exception):
                served.kill()
        await fake.close()
