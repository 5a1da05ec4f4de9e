"""Acknowledged means stored for failure stories: replies in the thread, then SIGKILL."""

import asyncio
import contextlib

import aiohttp

from tests.bot.slack.fake_slack import FakeSlack
from tests.processes.seeding import open_slack_ritual, stored_stories
from tests.processes.served import (
    signed_headers,
    slack_env,
    start_haven,
    story_reply,
    wait_until_up,
)

CHANNEL = "C0STORIES"
PEOPLE = 300
IN_FLIGHT = 32
KILL_AFTER = 100


async def replies_until_killed(*, url: str, thread_ts: str, kill) -> set[str]:  # type: ignore[no-untyped-def]
    """Reply in the thread as PEOPLE people; kill after KILL_AFTER acks; return the acked replies."""
    acknowledged: set[str] = set()
    queue = [(f"U{n:05d}", f"1767000300.{n:06d}") for n in range(PEOPLE)]
    killed = asyncio.Event()

    async def replier(http: aiohttp.ClientSession) -> None:
        while queue and not killed.is_set():
            user, ts = queue.pop()
            body = story_reply(user=user, channel=CHANNEL, thread_ts=thread_ts, ts=ts)
            headers = signed_headers(body, content_type="application/json")
            try:
                async with http.post(url, data=body, headers=headers) as response:
                    await response.read()
                    if response.status == 200:
                        acknowledged.add(ts)
            except aiohttp.ClientError:
                return  # the process is gone: this reply was never acknowledged
            if len(acknowledged) >= KILL_AFTER and not killed.is_set():
                killed.set()
                kill()

    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=20)) as http:
        await asyncio.gather(*(replier(http) for _ in range(IN_FLIGHT)))
    return acknowledged


async def test_no_acknowledged_story_reply_is_lost_when_the_process_is_killed(tmp_path):
    fake = await FakeSlack(anyone=True, page_size=1000).start()
    fake.channels[CHANNEL] = ["U00000"]  # the rest join by replying
    database_url = f"sqlite:///{tmp_path / 'haven.db'}"
    served = None
    try:
        occurrence = await open_slack_ritual(
            database_url=database_url,
            api_url=fake.url,
            channel=CHANNEL,
            kind="failure_celebration",
        )
        assert occurrence.id is not None and occurrence.message_ref
        env = slack_env(database_url=database_url, api_url=fake.url)
        served = start_haven(env=env, log=tmp_path / "haven.log")
        await wait_until_up(served)
        acknowledged = await replies_until_killed(
            url=f"{served.url}/slack/events", thread_ts=occurrence.message_ref, kill=served.kill
        )
        served.kill()
        stored = stored_stories(database_url=database_url, occurrence_id=occurrence.id)
        assert len(acknowledged) >= KILL_AFTER
        lost = acknowledged - stored
        assert lost == set(), f"{len(lost)} of {len(acknowledged)} acknowledged stories lost"
    finally:
        if served is not None:
            with contextlib.suppress(Exception):
                served.kill()
        await fake.close()
