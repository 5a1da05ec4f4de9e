"""Three replicas on one PostgreSQL: the scheduling one is killed mid-way; every prompt goes once."""

import asyncio
import time

import aiohttp

from storage.db import get_engine
from storage.migrate import upgrade
from tests.bot.slack.fake_slack import FakeSlack
from tests.conftest import fresh_postgres_schema
from tests.processes.fanout import add_team_due_now, prompts_received, rounds_of
from tests.processes.served import Served, slack_env, start_haven, wait_until_up

TEAMS = 12
PEOPLE_PER_TEAM = 4


async def wait_for(check, *, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    """Wait until check() holds."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout:g} s")
        await asyncio.sleep(0.1)


async def scheduler_of(served: Served) -> str:
    """Return whether a replica runs the scheduler ('running') or stands by."""
    async with aiohttp.ClientSession() as http, http.get(f"{served.url}/readyz") as response:
        return (await response.json())["scheduler"]["this_replica"]


async def test_three_replicas_open_every_round_once_and_send_every_prompt_once(tmp_path):
    schema = fresh_postgres_schema()
    database_url = next(schema)
    fake = await FakeSlack(page_size=1000).start()
    fake.delay["conversations.members"] = 1.5  # opening a channel-membered round takes a while
    replicas: list[Served] = []
    try:
        upgrade(database_url)
        rituals, expected = [], set()
        for number in range(TEAMS):
            kind = "checkin" if number % 2 else "anonymous_feedback"
            people = [f"U{number:02d}{p}" for p in range(PEOPLE_PER_TEAM)]
            channel = f"C0TEAM{number:02d}"
            rituals.append(
                add_team_due_now(
                    database_url,
                    name=f"Team {number}",
                    channel=channel,
                    kind=kind,
                    people=people,
                    from_channel=True,
                    fake=fake,
                )
            )
            expected |= {channel} if kind == "checkin" else {"D" + p for p in people}
        env = slack_env(
            database_url=database_url,
            api_url=fake.url,
            HAVEN_SCHEDULER_RETRY_SECONDS="1",
            HAVEN_OUTBOX_CLAIM_SECONDS="3",
        )
        for name in ("a", "b", "c"):
            replicas.append(start_haven(env=env, log=tmp_path / f"{name}.log"))
        for served in replicas:
            await wait_until_up(served)
        states = [await scheduler_of(served) for served in replicas]
        assert states.count("running") == 1
        scheduling = replicas[states.index("running")]

        await wait_for(
            lambda: sum(rounds_of(database_url, rituals).values()) >= 3,
            timeout=60,
            what="the first rounds",
        )
        scheduling.kill()  # in the middle of opening the rounds
        opened_before = sum(rounds_of(database_url, rituals).values())
        assert opened_before < TEAMS, "every round opened before the kill: nothing was tested"
        restarted = start_haven(env=env, log=tmp_path / "restarted.log")
        replicas.append(restarted)
        await wait_until_up(restarted)

        def every_prompt_arrived() -> bool:
            return {channel for channel, _key in prompts_received(fake)} >= expected

        await wait_for(every_prompt_arrived, timeout=120, what="every prompt")
        await asyncio.sleep(3)  # give a second opening or a duplicate every chance to appear
        assert rounds_of(database_url, rituals) == {ritual: 1 for ritual in rituals}
        received = prompts_received(fake)
        assert {channel for channel, _key in received} == expected
        assert set(received.values()) == {1}, [k for k, n in received.items() if n > 1]
    finally:
        for served in replicas:
            served.kill()
        await fake.close()
        get_engine.cache_clear()
        next(schema, None)
