"""Teams pacing: no conversation or tenant gets more than Teams' published limits allow."""

import asyncio

from bot.teams.pacing import TeamsPacer
from rituals.messages import Reminder
from rituals.ports import ChannelAddress
from tests.bot.teams import payloads
from tests.bot.teams.conftest import set_up_team

CHANNEL = ChannelAddress(platform="teams", workspace=payloads.TENANT, channel=payloads.CHANNEL)
NOTE = Reminder(occurrence_id=1, ritual_kind="checkin", text="still open")


def most_in_any_window(times: list[float], seconds: float) -> int:
    """Return the most calls that arrived within any window of that many seconds."""
    times = sorted(times)
    return max(sum(1 for t in times[i:] if t < start + seconds) for i, start in enumerate(times))


async def test_a_burst_to_one_conversation_keeps_to_7_a_second_and_8_in_2_seconds(teams):
    await set_up_team(teams)
    before = len(teams.connector.posts(payloads.CHANNEL))
    await asyncio.gather(
        *(teams.notifier.post_to_channel(channel=CHANNEL, message=NOTE) for _ in range(12))
    )
    times = [c.at for c in teams.connector.posts(payloads.CHANNEL)[before:]]
    assert len(times) == 12
    assert most_in_any_window(times, 1.0) <= 7
    assert most_in_any_window(times, 2.0) <= 8


async def test_a_tenant_is_paced_across_its_conversations():
    clock = [0.0]

    async def sleep(seconds: float) -> None:
        clock[0] += seconds

    pacer = TeamsPacer(per_tenant=((1.0, 5),), clock=lambda: clock[0], sleep=sleep)
    times = []
    for n in range(12):  # one message to each of 12 personal chats: no conversation is busy
        await pacer.wait(tenant="T", conversation=f"a:{n}")
        times.append(clock[0])
    assert most_in_any_window(times, 1.0) == 5
    await pacer.wait(tenant="other tenant", conversation="a:0")
    assert clock[0] == times[-1]  # another tenant does not wait for this one


def test_the_long_windows_hold_too():
    clock = [0.0]

    async def sleep(seconds: float) -> None:
        clock[0] += seconds

    async def send(count: int) -> list[float]:
        pacer = TeamsPacer(clock=lambda: clock[0], sleep=sleep)
        times = []
        for _ in range(count):
            await pacer.wait(tenant="T", conversation="19:c")
            times.append(clock[0])
        return times

    times = asyncio.run(send(130))
    assert most_in_any_window(times, 30.0) <= 60
    assert most_in_any_window(times, 2.0) <= 8
    assert 30.0 <= times[-1] < 100.0  # 130 messages take two 30-second windows, not an hour


async def test_conversations_with_no_call_left_in_view_are_forgotten():
    clock = [0.0]

    async def sleep(seconds: float) -> None:
        clock[0] += seconds

    pacer = TeamsPacer(clock=lambda: clock[0], sleep=sleep)
    for n in range(1000):  # a reminder to each of 1,000 personal chats
        await pacer.wait(tenant="T", conversation=f"a:{n}")
    assert len(pacer._calls) == 1001
    clock[0] += 1800.0  # half an hour later the hour window still holds them: kept
    await pacer.wait(tenant="T", conversation="a:0")
    assert len(pacer._calls) == 1001
    clock[0] += 3700.0  # over an hour after their last call they are out of every window
    await pacer.wait(tenant="T", conversation="a:new")
    assert set(pacer._calls) == {("conversation", "a:new"), ("tenant", "T")}
