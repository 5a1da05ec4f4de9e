"""Each ritual's life cycle through the console platform: open, answer, remind, close, aggregate."""

from datetime import timedelta

import pytest
import time_machine
from sqlmodel import select

from rituals import checkin, failure, feedback, lifecycle, pulse
from rituals.context import RitualScope
from rituals.errors import InvalidAnswer
from rituals.lifecycle import close_occurrence, open_occurrence, send_reminders
from rituals.messages import (
    CheckinPrompt,
    FeedbackBatch,
    FeedbackPrompt,
    PulsePrompt,
    Reminder,
    RoundSummary,
    SharedCheckin,
)
from rituals.outbox_sender import drain
from rituals.signals import compute_week_signals
from storage.models import AnonymousAnswer, AnonymousGuard, Answer, Occurrence
from storage.models_outbox import OutboxMessage
from tests.conftest import MONDAY_10_BERLIN, ROOM, make_ritual, make_team

NOW = MONDAY_10_BERLIN + timedelta(minutes=1)


async def open_kind(session, notifiers, kind, **options):
    team = make_team(session, **options.pop("team", {}))
    ritual = make_ritual(session, team, kind, **options)
    occurrence = await open_occurrence(
        session=session,
        notifiers=notifiers,
        ritual_id=ritual.id,
        scheduled_at=MONDAY_10_BERLIN,
        now=NOW,
    )
    assert occurrence is not None
    scope = RitualScope.of_ritual(session=session, ritual_id=ritual.id)
    return scope, occurrence


async def test_checkin_posts_prompt_once_and_invites_the_room(session, notifiers, console):
    scope, occurrence = await open_kind(session, notifiers, "checkin")
    again = await open_occurrence(
        session=session,
        notifiers=notifiers,
        ritual_id=scope.ritual.id,
        scheduled_at=MONDAY_10_BERLIN,
        now=NOW,
    )
    assert again is None
    prompts = [m for m in console.sent_to(ROOM, "channel") if isinstance(m, CheckinPrompt)]
    assert len(prompts) == 1
    assert occurrence.invited_count == 6
    assert occurrence.iso_week == "2026-W48"


async def test_a_second_checkin_click_replaces_the_first(session, notifiers, console):
    scope, occurrence = await open_kind(session, notifiers, "checkin")
    first = await checkin.record(
        scope=scope, occurrence=occurrence, notifiers=notifiers, user_id="U1", mood=2, text="tired"
    )
    second = await checkin.record(
        scope=scope, occurrence=occurrence, notifiers=notifiers, user_id="U1", mood=4
    )
    answers = session.exec(select(Answer).where(Answer.occurrence_id == occurrence.id)).all()
    assert (first.changed, second.changed) == (False, True)
    assert [(a.mood, a.text) for a in answers] == [(4, "tired")]
    shared = [m for m in console.sent_to(ROOM) if isinstance(m, SharedCheckin)]
    assert [(m.mood, m.text) for m in shared] == [(2, "tired"), (4, "tired")]
    assert len([d for d in console.deliveries if d.where == "thread"]) == 1  # the reply was updated


async def test_private_checkin_shows_nothing_individual_in_the_channel(session, notifiers, console):
    scope, occurrence = await open_kind(session, notifiers, "checkin", mode="private")
    for n, mood in enumerate([1, 2, 5], start=1):
        await checkin.record(
            scope=scope,
            occurrence=occurrence,
            notifiers=notifiers,
            user_id=f"U{n}",
            mood=mood,
            text="secret word",
        )
    summary = await close_occurrence(
        session=session, notifiers=notifiers, occurrence_id=occurrence.id, now=NOW
    )
    channel_text = repr(console.sent_to(ROOM))
    assert not any(isinstance(m, SharedCheckin) for m in console.sent_to(ROOM))
    assert "secret word" not in channel_text
    assert summary is not None and "3 of 6 checked in." in summary.lines
    assert isinstance(console.deliveries[-1].message, RoundSummary)


async def test_checkin_rejects_bad_mood_and_closed_rounds(session, notifiers):
    scope, occurrence = await open_kind(session, notifiers, "checkin")
    with pytest.raises(InvalidAnswer, match="1 to 5"):
        await checkin.record(
            scope=scope, occurrence=occurrence, notifiers=notifiers, user_id="U1", mood=9
        )
    await close_occurrence(
        session=session, notifiers=notifiers, occurrence_id=occurrence.id, now=NOW
    )
    with pytest.raises(InvalidAnswer, match="closed"):
        await checkin.record(
            scope=scope, occurrence=occurrence, notifiers=notifiers, user_id="U1", mood=3
        )


async def test_checkin_summary_withholds_weather_below_k(session, notifiers):
    scope, occurrence = await open_kind(session, notifiers, "checkin")
    for n in (1, 2):
        await checkin.record(
            scope=scope, occurrence=occurrence, notifiers=notifiers, user_id=f"U{n}", mood=5
        )
    summary = checkin.summarize(scope, occurrence)
    assert not any("Team weather:" in line for line in summary.lines)
    await checkin.record(
        scope=scope, occurrence=occurrence, notifiers=notifiers, user_id="U3", mood=5
    )
    lines = checkin.summarize(scope, occurrence).lines
    assert "Team weather: ☀️ sunny." in lines
    assert "Moods from 3 people: Rough 0 · Meh 0 · Okay 0 · Good 0 · Great 3." in lines
    assert not any("Moods" in line for line in summary.lines)  # none below k


async def test_failure_summary_counts_one_story_and_one_reaction_in_the_singular(
    session, notifiers
):
    scope, occurrence = await open_kind(session, notifiers, "failure_celebration")
    failure.record_story(
        scope=scope, occurrence=occurrence, user_id="U1", message_ref="r1", text="I broke it."
    )
    failure.add_reactions(scope=scope, occurrence=occurrence, message_ref="r1", delta=1)

    assert failure.summarize(scope, occurrence).lines[0] == (
        "1 story shared (0 anonymously), 1 reaction."
    )


async def test_reminders_go_only_to_those_who_have_not_answered(session, notifiers, console):
    scope, occurrence = await open_kind(session, notifiers, "checkin")
    await checkin.record(
        scope=scope, occurrence=occurrence, notifiers=notifiers, user_id="U1", mood=3
    )
    sent = await send_reminders(session=session, notifiers=notifiers, occurrence_id=occurrence.id)
    again = await send_reminders(session=session, notifiers=notifiers, occurrence_id=occurrence.id)
    reminded = {d.target for d in console.deliveries if isinstance(d.message, Reminder)}
    assert (sent, again) == (5, 0)
    assert reminded == {"U2", "U3", "U4", "U5", "ULEAD"}
    for delivery in console.deliveries:
        if isinstance(delivery.message, Reminder):
            assert delivery.where == "direct"
            assert not any(name in delivery.message.text for name in ("Person", "Lea", "U1"))


async def test_pulse_asks_every_item_once_per_cycle_by_direct_message(session, notifiers, console):
    team = make_team(session)
    ritual = make_ritual(session, team, "safety_pulse", schedule="0 11 * * wed")
    asked = []
    for week in range(4):
        occurrence = await open_occurrence(
            session=session,
            notifiers=notifiers,
            ritual_id=ritual.id,
            scheduled_at=MONDAY_10_BERLIN + timedelta(weeks=week),
            now=NOW + timedelta(weeks=week),
        )
        asked.extend(pulse.asked_items(occurrence))
    assert sorted(asked) == [1, 2, 3, 4, 5, 6, 7]
    prompts = [m for m in console.sent_to("U1", "direct") if isinstance(m, PulsePrompt)]
    assert len(prompts) == 4 and prompts[0].items[0].number == 1


async def test_pulse_answers_replace_and_check_the_item(session, notifiers):
    scope, occurrence = await open_kind(session, notifiers, "safety_pulse")
    receipt = pulse.record(scope=scope, occurrence=occurrence, user_id="U1", item=1, score=2)
    assert receipt.remaining == (2,)
    pulse.record(scope=scope, occurrence=occurrence, user_id="U1", item=1, score=6)
    assert [a.score for a in session.exec(select(Answer)).all()] == [6]
    with pytest.raises(InvalidAnswer, match="asks items 1, 2"):
        pulse.record(scope=scope, occurrence=occurrence, user_id="U1", item=5, score=3)
    with pytest.raises(InvalidAnswer, match="1 to 7"):
        pulse.record(scope=scope, occurrence=occurrence, user_id="U1", item=2, score=0)


async def test_anonymous_answers_carry_no_trace_of_their_author(session, notifiers, console):
    scope, occurrence = await open_kind(
        session, notifiers, "anonymous_feedback", question="What makes it hard?"
    )
    assert len([m for m in console.sent_to("U1", "direct") if isinstance(m, FeedbackPrompt)]) == 1
    for n in range(1, 6):
        feedback.record(
            scope=scope, occurrence=occurrence, user_id=f"U{n}", text=f"answer number {n}"
        )
    with pytest.raises(InvalidAnswer, match="already answered"):
        feedback.record(scope=scope, occurrence=occurrence, user_id="U3", text="twice")
    columns = set(AnonymousAnswer.model_fields)
    assert not columns & {"member_id", "user_id", "platform_user_id", "answered_at", "id"}
    rows = session.exec(select(AnonymousAnswer)).all()
    assert all(isinstance(row.key, str) and len(row.key) == 32 for row in rows)
    assert len(session.exec(select(AnonymousGuard)).all()) == 5

    await close_occurrence(
        session=session, notifiers=notifiers, occurrence_id=occurrence.id, now=NOW
    )
    assert session.get(Occurrence, occurrence.id).status == "closed"
    assert "hash_key" not in Occurrence.model_fields  # the guard's key is never in the database
    assert session.exec(select(AnonymousGuard)).all() == []
    after = session.exec(select(AnonymousAnswer)).all()
    assert {row.key for row in after}.isdisjoint({row.key for row in rows})  # re-keyed at close
    assert sorted(row.text for row in after) == [f"answer number {n}" for n in range(1, 6)]


async def test_feedback_is_released_to_leaders_only_once_k_answers_exist(
    session, notifiers, console
):
    scope, occurrence = await open_kind(session, notifiers, "anonymous_feedback")
    for n in range(1, 5):
        feedback.record(scope=scope, occurrence=occurrence, user_id=f"U{n}", text=f"thought {n}")
    summary = await close_occurrence(
        session=session, notifiers=notifiers, occurrence_id=occurrence.id, now=NOW
    )
    assert not [m for m in console.sent_to("ULEAD") if isinstance(m, FeedbackBatch)]
    assert any("withheld: 4 of the needed 5" in line for line in summary.lines)


async def test_feedback_batch_reaches_leaders_once_at_close(session, notifiers, console):
    scope, occurrence = await open_kind(session, notifiers, "anonymous_feedback")
    for n in range(1, 6):
        feedback.record(scope=scope, occurrence=occurrence, user_id=f"U{n}", text=f"thought {n}")
    assert not [m for m in console.sent_to("ULEAD") if isinstance(m, FeedbackBatch)]
    await close_occurrence(
        session=session, notifiers=notifiers, occurrence_id=occurrence.id, now=NOW
    )
    await close_occurrence(
        session=session, notifiers=notifiers, occurrence_id=occurrence.id, now=NOW
    )
    batches = [m for m in console.sent_to("ULEAD") if isinstance(m, FeedbackBatch)]
    assert len(batches) == 1
    assert sorted(text for _key, text in batches[0].items) == [f"thought {n}" for n in range(1, 6)]


async def test_feedback_reminders_recognise_answers_only_while_open(session, notifiers, console):
    scope, occurrence = await open_kind(session, notifiers, "anonymous_feedback")
    feedback.record(scope=scope, occurrence=occurrence, user_id="U2", text="something")
    await send_reminders(session=session, notifiers=notifiers, occurrence_id=occurrence.id)
    reminded = {d.target for d in console.deliveries if isinstance(d.message, Reminder)}
    assert "U2" not in reminded and "U1" in reminded


async def test_failure_stories_are_counted_once_and_anonymous_ones_posted_by_the_bot(
    session, notifiers, console
):
    scope, occurrence = await open_kind(
        session, notifiers, "failure_celebration", schedule="0 15 * * fri"
    )
    story = failure.record_story(
        scope=scope,
        occurrence=occurrence,
        user_id="ULEAD",
        message_ref="m1",
        text="I shipped a bug and learned to test migrations",
    )
    replay = failure.record_story(
        scope=scope,
        occurrence=occurrence,
        user_id="ULEAD",
        message_ref="m1",
        text="I shipped a bug and learned to test migrations",
    )
    assert story is not None and replay is None
    await failure.share_anonymously(
        scope=scope, occurrence=occurrence, notifiers=notifiers, text="I missed a deadline"
    )
    failure.add_reactions(scope=scope, occurrence=occurrence, message_ref="m1", delta=3)
    assert failure.leader_shared(scope, [occurrence.id])
    summary = await close_occurrence(
        session=session, notifiers=notifiers, occurrence_id=occurrence.id, now=NOW
    )
    assert summary.lines[0] == "2 stories shared (1 anonymously), 3 reactions."
    assert session.exec(select(AnonymousAnswer)).one().text == "I missed a deadline"
    assert any(
        d.where == "thread" and "missed a deadline" in repr(d.message) for d in console.deliveries
    )


async def test_a_closed_round_gives_the_weeks_figures_once_the_week_is_over(session, notifiers):
    scope, occurrence = await open_kind(session, notifiers, "checkin")
    for n, mood in enumerate([2, 4, 3], start=1):
        await checkin.record(
            scope=scope, occurrence=occurrence, notifiers=notifiers, user_id=f"U{n}", mood=mood
        )
    await close_occurrence(
        session=session, notifiers=notifiers, occurrence_id=occurrence.id, now=NOW
    )
    with time_machine.travel(NOW, tick=False):
        during = compute_week_signals(session=session, team=scope.team, iso_week="2026-W48")
    with time_machine.travel(NOW + timedelta(days=7), tick=False):
        after = compute_week_signals(session=session, team=scope.team, iso_week="2026-W48")
    assert during.mean_mood is None and "has not ended" in during.withheld["mean_mood"]
    assert (after.mean_mood, after.participation_rate) == (3.0, 0.5)


async def test_a_paused_ritual_or_a_closed_window_opens_nothing(session, notifiers, console):
    team = make_team(session)
    paused = make_ritual(session, team, "checkin", paused=True)
    late = make_ritual(session, team, "checkin", name="late")
    assert (
        await open_occurrence(
            session=session,
            notifiers=notifiers,
            ritual_id=paused.id,
            scheduled_at=MONDAY_10_BERLIN,
            now=NOW,
        )
        is None
    )
    too_late = MONDAY_10_BERLIN + timedelta(hours=5)
    assert (
        await open_occurrence(
            session=session,
            notifiers=notifiers,
            ritual_id=late.id,
            scheduled_at=MONDAY_10_BERLIN,
            now=too_late,
        )
        is None
    )
    assert console.deliveries == []


async def test_anonymous_answers_leave_no_trace_in_the_logs(session, notifiers, caplog):
    caplog.set_level("DEBUG")
    scope, occurrence = await open_kind(session, notifiers, "anonymous_feedback")
    caplog.clear()
    feedback.record(
        scope=scope, occurrence=occurrence, user_id="U4", text="a very particular sentence"
    )
    assert caplog.records == []  # not even a timestamped line that could be matched to a click
    await close_occurrence(
        session=session, notifiers=notifiers, occurrence_id=occurrence.id, now=NOW
    )
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "U4" not in logged and "particular sentence" not in logged


class FailingChannel:
    """A notifier whose channel posts fail, as when the platform is down."""

    def __init__(self, console):
        self.console = console

    def __getattr__(self, name):
        return getattr(self.console, name)

    async def post_to_channel(self, **_):
        raise ConnectionError("platform down")


async def test_a_prompt_that_could_not_be_sent_is_retried_not_lost(session, notifiers, console):
    team = make_team(session)
    ritual = make_ritual(session, team, "checkin")
    notifiers.by_platform["console"] = FailingChannel(console)
    opened = await open_occurrence(
        session=session,
        notifiers=notifiers,
        ritual_id=ritual.id,
        scheduled_at=MONDAY_10_BERLIN,
        now=NOW,
    )
    assert opened is not None  # the round stands; its prompt waits in the outbox
    row = session.exec(select(OutboxMessage)).one()
    assert (row.key, row.state, row.attempts) == (f"occ:{opened.id}:prompt", "pending", 1)
    assert "platform down" in row.last_error and row.next_attempt_at > NOW
    notifiers.by_platform["console"] = console
    assert (
        await open_occurrence(
            session=session,
            notifiers=notifiers,
            ritual_id=ritual.id,
            scheduled_at=MONDAY_10_BERLIN,
            now=NOW + timedelta(minutes=1),
        )
        is None
    )
    await drain(session.get_bind(), notifiers, None, NOW + timedelta(minutes=6))
    assert len([m for m in console.sent_to(ROOM, "channel") if isinstance(m, CheckinPrompt)]) == 1
    session.refresh(opened)
    assert opened.message_ref  # the follow-up stored the prompt's reference for the summary


async def test_the_prompt_rows_are_written_in_the_transaction_of_the_occurrence(
    session, notifiers, console, monkeypatch
):
    """A crash after the commit cannot leave a round without its prompts: they are rows in it."""
    team = make_team(session)
    ritual = make_ritual(session, team, "safety_pulse")

    async def crash(*_args, **_kwargs):
        raise SystemExit("killed right after the commit")

    monkeypatch.setattr(lifecycle, "dispatch", crash)
    with pytest.raises(SystemExit):
        await open_occurrence(
            session=session,
            notifiers=notifiers,
            ritual_id=ritual.id,
            scheduled_at=MONDAY_10_BERLIN,
            now=NOW,
        )
    assert console.deliveries == []
    occurrence = session.exec(select(Occurrence)).one()
    rows = session.exec(select(OutboxMessage)).all()
    assert sorted(r.user_id for r in rows) == ["U1", "U2", "U3", "U4", "U5", "ULEAD"]
    assert {r.key.rsplit(":", 1)[0] for r in rows} == {f"occ:{occurrence.id}:prompt"}
    await drain(session.get_bind(), notifiers, None, NOW)
    assert sorted(d.target for d in console.deliveries) == ["U1", "U2", "U3", "U4", "U5", "ULEAD"]
    await drain(session.get_bind(), notifiers, None, NOW + timedelta(hours=1))
    assert len(console.deliveries) == 6  # sent once, never twice


class OneBrokenInbox:
    """A notifier that cannot reach one person by direct message."""

    def __init__(self, console, broken):
        self.console, self.broken = console, broken

    def __getattr__(self, name):
        return getattr(self.console, name)

    async def send_direct(self, *, person, message):
        if person.user_id == self.broken:
            raise ConnectionError("user gone")
        return await self.console.send_direct(person=person, message=message)


async def test_one_unreachable_person_does_not_stop_the_others(session, notifiers, console):
    notifiers.by_platform["console"] = OneBrokenInbox(console, "U2")
    _scope, _occurrence = await open_kind(session, notifiers, "safety_pulse")
    reached = {d.target for d in console.deliveries if isinstance(d.message, PulsePrompt)}
    assert reached == {"U1", "U3", "U4", "U5", "ULEAD"}


async def test_failure_celebrations_send_no_reminders_and_stop_asking(session, notifiers, console):
    _scope, occurrence = await open_kind(session, notifiers, "failure_celebration")
    assert (
        await send_reminders(session=session, notifiers=notifiers, occurrence_id=occurrence.id) == 0
    )
    session.refresh(occurrence)
    assert occurrence.reminded  # the sweep will not come back every minute
    assert not any(isinstance(d.message, Reminder) for d in console.deliveries)


async def test_people_away_today_are_not_prompted_or_reminded(session, notifiers, console):
    from rituals.ports import Person

    console.rooms[ROOM] = [
        Person(user_id=p.user_id, display_name=p.display_name, away=p.user_id == "U3")
        for p in console.rooms[ROOM]
    ]
    _scope, occurrence = await open_kind(session, notifiers, "safety_pulse")
    await send_reminders(session=session, notifiers=notifiers, occurrence_id=occurrence.id)
    assert occurrence.invited_count == 5
    assert console.sent_to("U3") == []


async def test_moving_the_schedule_earlier_the_same_day_does_not_double_the_round(
    session, notifiers, console
):
    scope, occurrence = await open_kind(session, notifiers, "checkin")
    earlier_today = MONDAY_10_BERLIN - timedelta(hours=1)
    tomorrow = MONDAY_10_BERLIN + timedelta(days=1)
    assert (
        await open_occurrence(
            session=session,
            notifiers=notifiers,
            ritual_id=scope.ritual.id,
            scheduled_at=earlier_today,
            now=NOW,
        )
        is None
    )
    await close_occurrence(
        session=session, notifiers=notifiers, occurrence_id=occurrence.id, now=NOW
    )
    assert (
        await open_occurrence(
            session=session,
            notifiers=notifiers,
            ritual_id=scope.ritual.id,
            scheduled_at=tomorrow,
            now=tomorrow,
        )
        is not None
    )
    assert len([m for m in console.sent_to(ROOM, "channel") if isinstance(m, CheckinPrompt)]) == 2
