"""Three replicas on one PostgreSQL database take answers; one dies with SIGKILL; nothing is lost."""

import asyncio
import itertools

import aiohttp

from storage.db import get_engine
from tests.bot.slack.fake_slack import FakeSlack
from tests.conftest import fresh_postgres_schema
from tests.processes.seeding import open_slack_checkin, stored_checkins
from tests.processes.served import (
    Served,
    mood_click,
    signed_headers,
    slack_env,
    start_haven,
    wait_until_up,
)

CHANNEL = "C0REPLICAS"
PEOPLE = 300
IN_FLIGHT = 24
KILL_AFTER = 100


async def clicks_across(
    replicas: list[Served], *, occurrence_id: int, victim: Served
) -> dict[str, int]:
    """Click as PEOPLE people across the replicas; kill the victim after KILL_AFTER acks."""
    acknowledged: dict[str, int] = {}
    queue = [(f"U{n:05d}", 1 + n % 5) for n in range(PEOPLE)]
    turns = itertools.cycle(replicas)

    async def clicker(http: aiohttp.ClientSession) -> None:
        while queue:
            user, mood = queue.pop()
            served = next(turns)
            body = mood_click(occurrence_id=occurrence_id, user=user, mood=mood, channel=CHANNEL)
            try:
                async with http.post(
                    f"{served.url}/slack/events", data=body, headers=signed_headers(body)
                ) as response:
                    await response.read()
                    if response.status == 200:
                        acknowledged[user] = mood
            except aiohttp.ClientError:
                continue  # that replica is gone: this click was never acknowledged
            if len(acknowledged) >= KILL_AFTER and victim.process.poll() is None:
                victim.kill()

    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=20)) as http:
        await asyncio.gather(*(clicker(http) for _ in range(IN_FLIGHT)))
    return acknowledged


async def test_every_answer_acknowledged_by_any_replica_is_stored_when_one_is_killed(tmp_path):
    schema = fresh_postgres_schema()
    database_url = next(schema)
    fake = await FakeSlack(anyone=True, page_size=1000).start()
    fake.channels[CHANNEL] = ["U00000", "U00001", "U00002"]  # the rest join by clicking
    replicas: list[Served] = []
    try:
        occurrence_id = await open_slack_checkin(
            database_url=database_url, api_url=fake.url, channel=CHANNEL
        )
        env = slack_env(database_url=database_url, api_url=fake.url)
        for n in range(3):
            replicas.append(start_haven(env=env, log=tmp_path / f"replica-{n}.log"))
        for served in replicas:
            await wait_until_up(served)
        acknowledged = await clicks_across(
            replicas, occurrence_id=occurrence_id, victim=replicas[0]
        )
        assert replicas[0].process.poll() is not None  # it died in the middle
        stored = stored_checkins(database_url=database_url, occurrence_id=occurrence_id)
        assert len(acknowledged) > KILL_AFTER
        lost = {user for user in acknowledged if stored.get(user) != acknowledged[user]}
        assert lost == set(), f"{len(lost)} of {len(acknowledged)} acknowledged answers lost"
    finally:
        for served in replicas:
            served.kill()
        await fake.close()
        get_engine.cache_clear()
        next(schema, None)
