"""Slack's rate limits: 429s are retried after Retry-After, bulk DMs are paced, no prompt is lost."""

import asyncio
import itertools

from slack_sdk.http_retry import builtin_async_handlers

from bot.slack.pacing import Pacer
from tests.bot.slack.conftest import PEOPLE, make_slack_ritual, make_slack_team


class VirtualTime:
    """A clock that moves only when the code under test sleeps: no test depends on the wall clock."""

    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


class RecordingAsyncio:
    """Stands in for the asyncio module inside slack_sdk's retry handlers and records each wait."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        await asyncio.sleep(0)


async def test_429_answers_are_retried_after_retry_after_and_nothing_is_lost(
    slack, session, monkeypatch
):
    waits = RecordingAsyncio()
    monkeypatch.setattr(builtin_async_handlers, "asyncio", waits)
    ritual = make_slack_ritual(session, make_slack_team(session), "anonymous_feedback")
    slack.fake.rate_limit("chat.postMessage", times=2, retry_after=1)
    await slack.open(ritual.id)
    posts = slack.fake.calls_to("chat.postMessage")
    assert len(posts) == len(PEOPLE) + 2  # two refused, then every DM went out
    assert {p.args["channel"] for p in posts} == {"D0" + u[2:] for u in PEOPLE}
    assert len(waits.waits) == 2 and min(waits.waits) >= 1.0  # each retry waited Retry-After


async def test_a_429_on_a_click_still_confirms_the_answer(slack, session):
    ritual = make_slack_ritual(session, make_slack_team(session), "checkin", mode="private")
    occurrence = await slack.open(ritual.id)
    slack.fake.rate_limit("chat.postEphemeral", times=1, retry_after=1)
    await slack.action(user="U0ANA", action_id="haven_checkin_mood_3", value=f"{occurrence.id}:3")
    await slack.settle(timeout=10)
    assert len(slack.fake.calls_to("chat.postEphemeral")) == 2


async def test_bulk_direct_messages_keep_to_the_per_method_rate(slack, session):
    notifier = slack.notifiers.for_platform("slack")
    time = VirtualTime()
    pacer = Pacer(
        per_minute={"conversations.open": 240},
        burst_seconds=0.5,
        clock=time.clock,
        sleep=time.sleep,
    )
    allowed_at: list[float] = []
    wait = pacer.wait

    async def recording_wait(**call: str) -> None:
        await wait(**call)
        if call["method"] == "conversations.open":
            allowed_at.append(time.now)

    pacer.wait = recording_wait  # type: ignore[method-assign]
    notifier.clients.pacer = pacer
    ritual = make_slack_ritual(session, make_slack_team(session), "safety_pulse")
    await slack.open(ritual.id)
    assert len(slack.fake.calls_to("conversations.open")) == len(PEOPLE) == len(allowed_at)
    gaps = [later - earlier for earlier, later in itertools.pairwise(allowed_at[2:])]
    assert gaps and min(gaps) >= 0.25 - 1e-9  # 240 a minute: one every 0.25 s after a burst of 2
    assert len(slack.fake.calls_to("chat.postMessage")) == len(PEOPLE)


async def test_the_pacer_keeps_separate_buckets_per_channel_for_chat_post_message():
    time = VirtualTime()
    pacer = Pacer(
        per_minute={"chat.postMessage": 60}, burst_seconds=1, clock=time.clock, sleep=time.sleep
    )
    for channel in ("D1", "D2", "D3"):
        await pacer.wait(workspace="T", method="chat.postMessage", channel=channel)
    await pacer.wait(workspace="T", method="users.info")  # not limited here
    assert time.slept == []  # one bucket per channel: nobody waited
    await pacer.wait(workspace="T", method="chat.postMessage", channel="D1")
    assert time.slept == [1.0]  # a second message to D1 waits its second
