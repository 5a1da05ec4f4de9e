"""A crash in the middle of a fan-out loses no prompt and sends none twice (SQLite, kill -9)."""

import asyncio
import time

from storage.migrate import upgrade
from tests.bot.slack.fake_slack import FakeSlack
from tests.processes.fanout import add_team_due_now, prompted_people, rounds_of
from tests.processes.served import Served, slack_env, start_haven, wait_until_up

PEOPLE = [f"U{n:04d}" for n in range(60)]


async def wait_for(check, *, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    """Wait until check() holds."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout:g} s")
        await asyncio.sleep(0.05)


async def test_killed_in_the_middle_of_a_fan_out_every_member_gets_the_prompt_once(tmp_path):
    database_url = f"sqlite:///{tmp_path / 'haven.db'}"
    fake = await FakeSlack(page_size=1000).start()
    fake.delay["chat.postMessage"] = 0.4  # each prompt is posted, then answered slowly
    served: list[Served] = []
    try:
        upgrade(database_url)
        ritual_id = add_team_due_now(
            database_url, name="Fan", channel="C0FAN", kind="anonymous_feedback", people=PEOPLE
        )
        env = slack_env(database_url=database_url, api_url=fake.url, HAVEN_OUTBOX_CLAIM_SECONDS="3")
        first = start_haven(env=env, log=tmp_path / "haven.log")
        served.append(first)
        await wait_until_up(first)
        await wait_for(
            lambda: len(fake.calls_to("chat.postMessage")) >= 10, timeout=60, what="fan-out"
        )
        first.kill()  # mid fan-out: some prompts sent and marked, some sent unmarked, some not
        killed_at = len(fake.calls_to("chat.postMessage"))
        assert killed_at < len(PEOPLE)

        fake.delay.clear()
        second = start_haven(env=env, log=tmp_path / "haven.log")
        served.append(second)
        await wait_until_up(second)
        await wait_for(
            lambda: len(prompted_people(fake)) == len(PEOPLE), timeout=60, what="every prompt"
        )
        await asyncio.sleep(2)  # give a duplicate every chance to appear
        received = prompted_people(fake)
        assert set(received) == {"D" + person for person in PEOPLE}
        assert set(received.values()) == {1}, "someone got the prompt twice"
        assert rounds_of(database_url, [ritual_id]) == {ritual_id: 1}
        assert fake.calls_to("conversations.history")  # the unmarked ones were looked up
    finally:
        for process in served:
            process.kill()
        await fake.close()
