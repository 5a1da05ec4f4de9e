"""Every leader gets the digest once a week at their own local time, through the team's platform."""

from datetime import UTC, datetime

import pytest
import time_machine
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from bot.chart import chart_alt_text, render_chart
from bot.console.notifier import ConsoleNotifier
from bot.platforms import Notifiers
from rituals import jobs
from rituals.digest_delivery import (
    deliver_due_digests,
    deliver_due_digests_job,
    install_chart_renderer,
)
from rituals.messages import DigestMessage
from rituals.outbox_sender import drain
from storage.models_digest import DigestDelivery, DigestSettings, LeaderProfile
from tests.conftest import make_ritual, make_team
from tests.rituals.digest_helpers import checkins, person

MONDAY = datetime(2026, 11, 23, tzinfo=UTC)  # 2026-W48; the digest describes 2026-W47


@pytest.fixture
def team(session):
    """A Berlin team with leaders in Berlin (the team's zone), New York and Tokyo."""
    team = make_team(session, timezone="Europe/Berlin")
    ritual = make_ritual(session, team, "checkin")
    checkins(session, team, ritual, "2026-W47", {"U1": 4, "U2": 3, "U3": 5}, invited=4)
    for user, zone in (("UNY", "America/New_York"), ("UTK", "Asia/Tokyo")):
        leader = person(session, team, user, leader=True)
        session.add(LeaderProfile(member_id=leader.id, timezone=zone))
    session.commit()
    return team


def digests_to(console: ConsoleNotifier) -> list[tuple[str, str]]:
    """Return (leader, digest week) of every digest the console delivered, in order."""
    return [
        (d.target, d.message.document.iso_week)
        for d in console.deliveries
        if d.where == "direct" and isinstance(d.message, DigestMessage)
    ]


async def deliver_at(moment: datetime, session, notifiers) -> list[DigestDelivery]:
    with time_machine.travel(moment, tick=False):
        return await deliver_due_digests(session=session, notifiers=notifiers)


async def test_each_leader_gets_it_on_monday_at_nine_in_their_own_time_zone(
    session, notifiers, console, team
):
    at = MONDAY.replace
    await deliver_at(datetime(2026, 11, 22, 12, tzinfo=UTC), session, notifiers)  # Sunday
    assert sorted(digests_to(console)) == [  # last week's, caught up on a fresh database
        ("ULEAD", "2026-W46"),
        ("UNY", "2026-W46"),
        ("UTK", "2026-W46"),
    ]
    console.deliveries.clear()
    await deliver_at(datetime(2026, 11, 22, 23, 59, tzinfo=UTC), session, notifiers)
    assert digests_to(console) == []  # 08:59 on Monday in Tokyo
    await deliver_at(at(hour=0), session, notifiers)  # 09:00 Tokyo, 01:00 Berlin
    assert digests_to(console) == [("UTK", "2026-W47")]
    await deliver_at(at(hour=7, minute=59), session, notifiers)  # 08:59 Berlin
    await deliver_at(at(hour=8), session, notifiers)  # 09:00 Berlin
    assert digests_to(console)[1:] == [("ULEAD", "2026-W47")]
    await deliver_at(at(hour=13, minute=59), session, notifiers)  # 08:59 New York
    await deliver_at(at(hour=14), session, notifiers)  # 09:00 New York
    await deliver_at(at(hour=20), session, notifiers)
    assert digests_to(console) == [("UTK", "2026-W47"), ("ULEAD", "2026-W47"), ("UNY", "2026-W47")]
    message = console.deliveries[-1].message
    assert message.document.mood.current.value == 4.0


async def test_a_restarted_process_sends_nothing_twice(session, engine, team):
    first = ConsoleNotifier()
    await deliver_at(MONDAY.replace(hour=15), session, Notifiers(by_platform={"console": first}))
    assert len(digests_to(first)) == 3
    restarted = ConsoleNotifier()  # a new process: nothing in memory, only the database
    for hour in (15, 16, 23):
        sent = await deliver_at(
            MONDAY.replace(hour=hour), session, Notifiers(by_platform={"console": restarted})
        )
        assert sent == []
    assert digests_to(restarted) == []
    rows = session.exec(select(DigestDelivery)).all()
    assert {(r.iso_week, r.status) for r in rows} == {("2026-W47", "sent")}


async def test_a_process_down_on_monday_catches_up_once_later_that_week(
    session, notifiers, console, team
):
    await deliver_at(datetime(2026, 11, 25, 12, tzinfo=UTC), session, notifiers)  # Wednesday
    await deliver_at(datetime(2026, 11, 26, 12, tzinfo=UTC), session, notifiers)
    assert sorted(digests_to(console)) == [
        ("ULEAD", "2026-W47"),
        ("UNY", "2026-W47"),
        ("UTK", "2026-W47"),
    ]
    await deliver_at(datetime(2026, 11, 30, 8, tzinfo=UTC), session, notifiers)  # next Monday
    assert sorted(digests_to(console)[3:]) == [("ULEAD", "2026-W48"), ("UTK", "2026-W48")]


def test_the_database_refuses_a_second_delivery_of_the_same_week(session, team):
    leader = person(session, team, "ULEAD")
    for _ in range(2):
        session.add(
            DigestDelivery(
                team_id=team.id, member_id=leader.id, iso_week="2026-W47", claimed_at=MONDAY
            )
        )
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()


class FailingOnce(ConsoleNotifier):
    """A notifier whose first direct message fails, as a platform outage would."""

    failed: bool = False

    async def send_direct(self, *, person, message):  # type: ignore[no-untyped-def]
        if not self.failed:
            self.failed = True
            raise ConnectionError("platform down")
        return await super().send_direct(person=person, message=message)


async def test_a_failed_send_is_retried_on_the_next_run(session, team):
    flaky = FailingOnce()
    notifiers = Notifiers(by_platform={"console": flaky})
    first = await deliver_at(MONDAY.replace(hour=15), session, notifiers)
    assert len(first) == 3  # all claimed and queued; one of the three sends failed
    assert len(digests_to(flaky)) == 2
    second = await deliver_at(MONDAY.replace(hour=15, minute=5), session, notifiers)
    assert second == []  # nothing is claimed twice
    await drain(session.get_bind(), notifiers, None, MONDAY.replace(hour=15, minute=6))
    assert len(digests_to(flaky)) == 3  # the outbox retried the one that failed
    session.expire_all()
    assert {d.status for d in session.exec(select(DigestDelivery)).all()} == {"sent"}


async def test_a_platform_that_is_off_keeps_the_digest_for_later(session, team):
    assert await deliver_at(MONDAY.replace(hour=15), session, Notifiers()) == []
    assert session.exec(select(DigestDelivery)).all() == []


async def test_the_team_can_move_its_digest_to_friday_afternoon(session, notifiers, console, team):
    session.add(DigestSettings(team_id=team.id, send_weekday=4, send_time="16:30"))
    session.commit()
    await deliver_at(MONDAY.replace(hour=15), session, notifiers)
    assert digests_to(console) == []
    await deliver_at(datetime(2026, 11, 27, 15, 29, tzinfo=UTC), session, notifiers)
    assert [leader for leader, _ in digests_to(console)] == ["UTK"]  # 00:29 Saturday in Tokyo
    await deliver_at(datetime(2026, 11, 27, 15, 30, tzinfo=UTC), session, notifiers)
    assert [leader for leader, _ in digests_to(console)] == ["UTK", "ULEAD"]  # 16:30 Berlin


async def test_the_chart_goes_with_the_digest_and_the_job_uses_the_runtime(
    engine, session, notifiers, console, team
):
    install_chart_renderer(lambda document: (render_chart(document), chart_alt_text(document)))
    jobs.install_runtime(jobs.Runtime(engine=engine, notifiers=notifiers))
    try:
        with time_machine.travel(MONDAY.replace(hour=15), tick=False):
            assert await deliver_due_digests_job() == 3
            assert await deliver_due_digests_job() == 0
    finally:
        jobs.install_runtime(None)
        install_chart_renderer(None)
    message = console.deliveries[-1].message
    assert message.chart_png.startswith(b"\x89PNG\r\n\x1a\n")
    assert "Mood" in message.chart_alt_text
