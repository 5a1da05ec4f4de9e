"""Proactive sends: throttling and server errors retried, a removed bot pauses its team, never a crash."""

import logging

import pytest
from sqlmodel import select

from rituals import jobs
from rituals.errors import PlatformUnavailable
from rituals.messages import Reminder
from rituals.ports import ChannelAddress
from storage.models import Occurrence, Ritual
from storage.teams import find_team
from tests.bot.teams import payloads
from tests.bot.teams.conftest import set_up_team
from tests.bot.teams.rounds import open_round
from tests.conftest import make_ritual

CHANNEL = ChannelAddress(platform="teams", workspace=payloads.TENANT, channel=payloads.CHANNEL)
NOTE = Reminder(occurrence_id=1, ritual_kind="checkin", text="still open")


@pytest.mark.parametrize("status", [429, 500, 503])
async def test_throttling_and_server_errors_are_retried_until_the_message_goes_through(
    teams, status
):
    await set_up_team(teams)
    before = len(teams.connector.posts())
    teams.connector.fail_next(status, times=2, retry_after="0")

    message_id = await teams.notifier.post_to_channel(channel=CHANNEL, message=NOTE)

    attempts = teams.connector.posts()[before:]
    assert len(attempts) == 3 and message_id


async def test_updates_and_roster_reads_are_retried_too(teams):
    await set_up_team(teams)
    message_id = await teams.notifier.post_to_channel(channel=CHANNEL, message=NOTE)
    teams.connector.fail_next(503)
    await teams.notifier.update_message(channel=CHANNEL, message_ref=message_id, message=NOTE)
    teams.connector.fail_next(429)
    people = await teams.notifier.channel_members(channel=CHANNEL)

    assert len(teams.connector.sent("PUT")) == 2
    assert len(people) == 5


async def test_a_connector_that_keeps_failing_gives_a_clear_error(teams):
    await set_up_team(teams)
    teams.connector.fail_next(503, times=10)

    with pytest.raises(PlatformUnavailable, match="after 4 tries \\(HTTP 503\\)"):
        await teams.notifier.post_to_channel(channel=CHANNEL, message=NOTE)


async def test_retry_waits_grow_with_jitter_and_respect_retry_after():
    from bot.teams.retry import RetryPolicy

    policy = RetryPolicy(attempts=5, base_delay=1.0, max_delay=30.0)
    waits = [policy.delay(attempt=n, retry_after=None) for n in range(4)]
    assert all(2**n / 2 <= w <= 2**n for n, w in enumerate(waits))
    assert policy.delay(attempt=0, retry_after=7) == 7
    assert policy.delay(attempt=0, retry_after=600) == 30.0


async def test_a_removed_bot_pauses_the_team_and_the_scheduler_carries_on(teams, caplog):
    await set_up_team(teams)
    with teams.session() as session:
        team = find_team(session=session, name="Platform")
        checkin = make_ritual(session, team, "checkin", schedule="* * * * *", window_minutes=60)
        make_ritual(session, team, "safety_pulse")
    teams.connector.remove_bot(payloads.CHANNEL)
    jobs.install_runtime(jobs.Runtime(engine=teams.engine, notifiers=teams.runtime.notifiers))
    try:
        await jobs.sweep_job()  # must not raise
    finally:
        jobs.install_runtime(None)

    with teams.session() as session:
        assert [r.paused for r in session.exec(select(Ritual))] == [True, True]
        assert (
            session.exec(select(Occurrence).where(Occurrence.ritual_id == checkin.id)).all() == []
        )
    assert "no longer has Haven (HTTP 403); paused the rituals of Platform" in caplog.text


async def test_a_removed_bot_fails_a_direct_open_cleanly(teams):
    await set_up_team(teams)
    teams.connector.remove_bot(payloads.CHANNEL)

    with pytest.raises(PlatformUnavailable, match="removed from the Teams conversation"):
        await open_round(teams, "checkin")


async def test_a_closed_personal_chat_is_reopened_once(teams, caplog):
    caplog.set_level(logging.INFO)
    await set_up_team(teams)
    from rituals.ports import PersonAddress

    bob = PersonAddress(platform="teams", workspace=payloads.TENANT, user_id="29:bob")
    await teams.notifier.send_direct(person=bob, message=NOTE)
    teams.connector.fail_next(403)

    await teams.notifier.send_direct(person=bob, message=NOTE)

    assert len(teams.connector.sent("POST", "")) == 2  # the personal chat was created again
    assert "29:bob" not in caplog.text
