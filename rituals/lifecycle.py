"""One life cycle for every ritual: open (prompt sent) → reminders → close with a summary → aggregate."""

import asyncio
import logging
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from rituals import checkin, failure, feedback, outbox, pulse
from rituals.anonymous_rows import rewrite_shuffled
from rituals.clock import local_iso_week, to_local, utcnow
from rituals.context import RitualScope, answer_window
from rituals.errors import InvalidAnswer
from rituals.loop_lock import LoopLock
from rituals.messages import Message, Reminder, RoundSummary
from rituals.outbox import Envelope, dispatch, enqueue, prompt_key
from rituals.ports import ChannelAddress, NotifierRegistry, Person
from rituals.pulse_items import items_for_sequence
from storage.models import Member, Occurrence, Ritual
from storage.occurrences import (
    count_occurrences,
    delete_guards,
    find_occurrence,
    latest_open_occurrence,
    lock_occurrence,
)
from storage.old_versions import erase_old_versions
from storage.rollups import ROLLED_UP_KINDS, refresh_if_stale, refresh_rollups
from storage.teams import active_members, upsert_member

log = logging.getLogger(__name__)
_openings = LoopLock()  # one opening at a time: two of a team would race on its roster

# A first roster of a large channel looks each person up (users.info, 100 a minute): be patient.
ROSTER_TIMEOUT_SECONDS = 600.0
SUMMARY_PATIENCE = timedelta(days=1)  # a round's summary is still worth posting a day late
REMINDER_GRACE = timedelta(minutes=5)
REMINDER_TEXT = {
    "checkin": "The team check-in is still open — a click on your mood is all it takes.",
    "anonymous_feedback": "Your anonymous answer to this month's question is still welcome.",
    "safety_pulse": "This week's two-question safety pulse is waiting for you in our chat.",
}


async def open_occurrence(
    *,
    session: Session,
    notifiers: NotifierRegistry,
    ritual_id: int,
    scheduled_at: datetime,
    now: datetime | None = None,
    roster: list[Person] | None = None,
) -> Occurrence | None:
    """Open the ritual's occurrence at scheduled_at once: None when paused, too late or already open.

    The occurrence and the rows of its prompts are written in one transaction, then sent by the
    outbox; a channel-membered team needs its roster first (fetched with no transaction open).
    The database work runs in a worker thread, never on the event loop.
    """
    now = now or utcnow()
    if roster is None:
        channel = await asyncio.to_thread(_roster_channel, session, ritual_id)
        roster = await channel_roster(channel, notifiers) if channel else None
    async with _openings():  # one at a time: two openings of a team would race on its roster
        occurrence = await asyncio.to_thread(
            open_round,
            session=session,
            ritual_id=ritual_id,
            scheduled_at=scheduled_at,
            now=now,
            roster=roster,
        )
    if occurrence is None:
        return None
    await dispatch(session, notifiers, now=now)
    await asyncio.to_thread(session.refresh, occurrence)  # the prompt's reference, if sent
    return occurrence


async def open_now(
    *, session: Session, notifiers: NotifierRegistry, ritual: Ritual, now: datetime | None = None
) -> Occurrence | None:
    """Open a round of the ritual now, on an admin's request: once a minute at most."""
    if ritual.paused:
        raise InvalidAnswer(f"{ritual.name} is paused; resume it first.")
    assert ritual.id is not None
    now = now or utcnow()
    return await open_occurrence(
        session=session,
        notifiers=notifiers,
        ritual_id=ritual.id,
        scheduled_at=now.replace(second=0, microsecond=0),
        now=now,
    )


def _roster_channel(session: Session, ritual_id: int) -> ChannelAddress | None:
    """Return the channel whose members are the team, or None when the team lists its members."""
    scope = RitualScope.of_ritual(session=session, ritual_id=ritual_id)
    channel = scope.channel if scope.team.members_from_channel else None
    session.commit()  # no transaction stays open while the platform answers
    return channel


def open_round(
    *,
    session: Session,
    ritual_id: int,
    scheduled_at: datetime,
    now: datetime,
    roster: list[Person] | None,
) -> Occurrence | None:
    """Write the occurrence and its prompt rows in one transaction (blocking), or return None."""
    scope = RitualScope.of_ritual(session=session, ritual_id=ritual_id)
    window = answer_window(scope.ritual)
    if scope.ritual.paused or now >= scheduled_at + window:
        return None
    if find_occurrence(session=session, ritual_id=ritual_id, scheduled_at=scheduled_at):
        return None
    if _round_open_that_day(scope, scheduled_at):
        return None  # e.g. the schedule moved earlier today: the open round stands, no second one
    invitees = _invitees(scope, roster)
    sequence = count_occurrences(session=session, ritual_id=ritual_id)
    occurrence = Occurrence(
        ritual_id=ritual_id,
        scheduled_at=scheduled_at,
        closes_at=scheduled_at + window,
        iso_week=local_iso_week(scheduled_at, scope.team.timezone),
        sequence=sequence,
        pulse_items=",".join(map(str, items_for_sequence(sequence)))
        if scope.ritual.kind == "safety_pulse"
        else "",
        invited_count=len(invitees),
    )
    session.add(occurrence)
    try:
        session.flush()  # the unique (ritual, scheduled time) key makes a second round impossible
        enqueue(session, _prompt_envelopes(scope, occurrence, invitees), now=now)
        session.commit()
    except IntegrityError:
        session.rollback()
        return None
    log.info("opened %s occurrence %s of team %s", scope.ritual.kind, occurrence.id, scope.team.id)
    return occurrence


async def channel_roster(channel: ChannelAddress, notifiers: NotifierRegistry) -> list[Person]:
    """Return the people in a team's channel, as its platform reports them, or time out."""
    notifier = notifiers.for_platform(channel.platform)
    return await asyncio.wait_for(notifier.channel_members(channel=channel), ROSTER_TIMEOUT_SECONDS)


def _round_open_that_day(scope: RitualScope, scheduled_at: datetime) -> bool:
    """Return whether the ritual already has an open round on the same local day."""
    current = latest_open_occurrence(session=scope.session, ritual_id=scope.ritual.id)
    if current is None:
        return False
    zone = scope.team.timezone
    return to_local(current.scheduled_at, zone).date() == to_local(scheduled_at, zone).date()


def _invitees(scope: RitualScope, roster: list[Person] | None) -> list[Member]:
    """Return the members to prompt now, refreshing the roster from the channel when it defines the team."""
    members = list(active_members(session=scope.session, team_id=scope.team.id))
    away: set[str] = set()
    if scope.team.members_from_channel and roster is not None:
        present = {person.user_id for person in roster}
        away = {person.user_id for person in roster if person.away}
        for person in roster:
            upsert_member(
                session=scope.session,
                team_id=scope.team.id,
                platform_user_id=person.user_id,
                display_name=person.display_name,
            )
        for member in members:
            if member.platform_user_id not in present and not member.is_leader:
                member.active = False
                scope.session.add(member)
        scope.session.flush()
        members = list(active_members(session=scope.session, team_id=scope.team.id))
    return [member for member in members if member.platform_user_id not in away]


def _prompt_envelopes(
    scope: RitualScope, occurrence: Occurrence, invitees: list[Member]
) -> list[Envelope]:
    kind = scope.ritual.kind
    if kind in ("checkin", "failure_celebration"):
        message: Message = (
            checkin.prompt(scope, occurrence)
            if kind == "checkin"
            else failure.opener(scope, occurrence)
        )
        return [
            outbox.to_channel(
                key=prompt_key(occurrence.id),
                channel=scope.channel,
                message=message,
                give_up_at=occurrence.closes_at,
                follow_up=f"occurrence:{occurrence.id}",
            )
        ]
    message = (
        feedback.prompt(scope, occurrence)
        if kind == "anonymous_feedback"
        else pulse.prompt(occurrence)
    )
    return _each(
        scope, invitees, message, key=prompt_key(occurrence.id), until=occurrence.closes_at
    )


def _each(
    scope: RitualScope, members: list[Member], message: Message, *, key: str, until: datetime
) -> list[Envelope]:
    """Return one direct message per member; each is sent (or fails) on its own."""
    return [
        outbox.direct(
            key=f"{key}:{member.id}", person=scope.person(member), message=message, give_up_at=until
        )
        for member in members
    ]


def _answered(scope: RitualScope, occurrence: Occurrence) -> set[int]:
    kind = scope.ritual.kind
    if kind == "checkin":
        return checkin.answered_member_ids(scope, occurrence)
    if kind == "safety_pulse":
        return pulse.answered_member_ids(scope, occurrence)
    if kind == "anonymous_feedback":
        return feedback.answered_member_ids(scope, occurrence)
    return set()


async def send_reminders(
    *,
    session: Session,
    notifiers: NotifierRegistry,
    occurrence_id: int,
    roster: list[Person] | None = None,
) -> int:
    """Nudge, by direct message, each member who has not answered; return how many are nudged.

    The database work runs in a worker thread; the roster is fetched with no transaction open.
    """
    if roster is None:
        channel = await asyncio.to_thread(_reminder_roster_channel, session, occurrence_id)
        roster = await channel_roster(channel, notifiers) if channel else None
    queued = await asyncio.to_thread(
        queue_reminders, session=session, occurrence_id=occurrence_id, roster=roster
    )
    if queued is None:
        return 0
    await dispatch(session, notifiers)
    return queued


def _reminder_roster_channel(session: Session, occurrence_id: int) -> ChannelAddress | None:
    """Return the channel whose members are the team, when its round still wants reminders."""
    scope, occurrence = RitualScope.of_occurrence(session=session, occurrence_id=occurrence_id)
    wanted = (
        occurrence.status == "open"
        and not occurrence.reminded
        and scope.ritual.kind in REMINDER_TEXT
    )
    channel = scope.channel if wanted and scope.team.members_from_channel else None
    session.commit()  # no transaction stays open while the platform answers
    return channel


def queue_reminders(
    *, session: Session, occurrence_id: int, roster: list[Person] | None
) -> int | None:
    """Mark the round reminded and queue its reminders (blocking); None when there is none to send."""
    scope, occurrence = RitualScope.of_occurrence(session=session, occurrence_id=occurrence_id)
    if occurrence.status != "open" or occurrence.reminded:
        return None
    occurrence.reminded = True
    session.add(occurrence)
    if scope.ritual.kind not in REMINDER_TEXT:
        session.commit()  # sharing a failure stays voluntary: no reminders for it
        return None
    answered = _answered(scope, occurrence)
    reminder = Reminder(
        occurrence_id=occurrence_id,
        ritual_kind=scope.ritual.kind,
        text=REMINDER_TEXT[scope.ritual.kind],
    )
    present = _invitees(scope, roster)  # people away today are not nudged either
    pending = [member for member in present if member.id not in answered]
    # A reminder is worth sending until the round closes, and gets a few minutes even when late.
    until = max(occurrence.closes_at, utcnow() + REMINDER_GRACE)
    envelopes = _each(scope, pending, reminder, key=f"occ:{occurrence_id}:reminder", until=until)
    enqueue(session, envelopes)
    session.commit()
    return len(envelopes)


async def close_occurrence(
    *,
    session: Session,
    notifiers: NotifierRegistry,
    occurrence_id: int,
    now: datetime | None = None,
) -> RoundSummary | None:
    """Close an occurrence: post its summary and forget who answered anonymously.

    The database work (and the erasure of old row versions) runs in a worker thread.
    """
    now = now or utcnow()
    summary = await asyncio.to_thread(
        close_round, session=session, occurrence_id=occurrence_id, now=now
    )
    if summary is not None:
        await dispatch(session, notifiers, now=now)
    return summary


def close_round(*, session: Session, occurrence_id: int, now: datetime) -> RoundSummary | None:
    """Close the round, forget its authors, release its feedback and queue its summary (blocking)."""
    scope, occurrence = RitualScope.of_occurrence(session=session, occurrence_id=occurrence_id)
    rolled_up = scope.ritual.kind in ROLLED_UP_KINDS
    if occurrence.status != "open":
        if rolled_up:  # a retried close: finish a refresh that did not get to run
            refresh_if_stale(session=session, team_id=scope.team.id, iso_week=occurrence.iso_week)
        return None
    session.commit()  # nothing the caller did shares the close's transaction
    if not lock_occurrence(session=session, occurrence_id=occurrence.id, open_only=True):
        session.rollback()
        return None  # closed meanwhile, by another replica
    occurrence.status = "closed"
    session.add(occurrence)
    if scope.ritual.kind in ("checkin", "failure_celebration"):  # its summary, in the same commit
        update = outbox.updating(
            key=f"occ:{occurrence.id}:summary",
            channel=scope.channel,
            message=_summary(scope, occurrence, 0),
            give_up_at=now + SUMMARY_PATIENCE,
            ref=occurrence.message_ref,
            ref_from="" if occurrence.message_ref else prompt_key(occurrence.id),
        )
        enqueue(session, [update], now=now)
    delete_guards(session=session, occurrence_id=occurrence.id)
    rewrite_shuffled(session=session, occurrence_id=occurrence.id)  # leaders get the final keys
    released = 0
    if scope.ritual.kind == "anonymous_feedback":
        released = feedback.release(scope=scope, occurrence=occurrence, now=now)
    session.commit()  # the close, the forgotten authors and the released batches: all or none
    if rolled_up:  # first, so nothing below can leave the week's rollups behind
        refresh_rollups(session=session, team_id=scope.team.id, iso_week=occurrence.iso_week)
    erase_old_versions(session=session, compact=True)
    return _summary(scope, occurrence, released)


def _summary(scope: RitualScope, occurrence: Occurrence, released: int) -> RoundSummary:
    kind = scope.ritual.kind
    if kind == "checkin":
        return checkin.summarize(scope, occurrence)
    if kind == "failure_celebration":
        return failure.summarize(scope, occurrence)
    if kind == "anonymous_feedback":
        return feedback.summarize(scope, occurrence, released)
    return pulse.summarize(scope, occurrence)
