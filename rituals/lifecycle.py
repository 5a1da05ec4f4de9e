"""One life cycle for every ritual: open (prompt sent) → reminders → close with a summary → aggregate."""

import logging
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from rituals import checkin, failure, feedback, pulse
from rituals.anonymous_rows import store_shuffled
from rituals.clock import local_iso_week, to_local, utcnow
from rituals.context import RitualScope, answer_window
from rituals.errors import HavenError, PlatformUnavailable
from rituals.messages import Message, Reminder, RoundSummary
from rituals.ports import Notifier, NotifierRegistry
from rituals.pulse_items import items_for_sequence
from storage.models import Member, Occurrence
from storage.occurrences import (
    count_occurrences,
    delete_guards,
    find_occurrence,
    latest_open_occurrence,
)
from storage.old_versions import erase_old_versions
from storage.rollups import ROLLED_UP_KINDS, refresh_if_stale, refresh_rollups
from storage.teams import active_members, upsert_member

log = logging.getLogger(__name__)

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
) -> Occurrence | None:
    """Open the ritual's occurrence at scheduled_at once: None when paused, too late or already sent."""
    now = now or utcnow()
    scope = RitualScope.of_ritual(session=session, ritual_id=ritual_id)
    window = answer_window(scope.ritual)
    if scope.ritual.paused or now >= scheduled_at + window:
        return None
    if find_occurrence(session=session, ritual_id=ritual_id, scheduled_at=scheduled_at):
        return None
    if _round_open_that_day(scope, scheduled_at):
        return None  # e.g. the schedule moved earlier today: the open round stands, no second one
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
    )
    session.add(occurrence)
    try:
        session.commit()  # the unique (ritual, scheduled time) key makes a second send impossible
    except IntegrityError:
        session.rollback()
        return None
    invitees = await _invitees(scope, notifiers)
    occurrence.invited_count = len(invitees)
    try:
        await _send_prompt(scope, occurrence, notifiers, invitees)
    except Exception:
        session.rollback()
        session.delete(occurrence)  # not sent: free the key so the sweep retries within the window
        session.commit()
        raise
    session.add(occurrence)
    session.commit()
    log.info("opened %s occurrence %s of team %s", scope.ritual.kind, occurrence.id, scope.team.id)
    return occurrence


def _round_open_that_day(scope: RitualScope, scheduled_at: datetime) -> bool:
    """Return whether the ritual already has an open round on the same local day."""
    current = latest_open_occurrence(session=scope.session, ritual_id=scope.ritual.id)
    if current is None:
        return False
    zone = scope.team.timezone
    return to_local(current.scheduled_at, zone).date() == to_local(scheduled_at, zone).date()


async def _invitees(scope: RitualScope, notifiers: NotifierRegistry) -> list[Member]:
    """Return the members to prompt now, refreshing the roster from the channel when it defines the team."""
    members = list(active_members(session=scope.session, team_id=scope.team.id))
    away: set[str] = set()
    if scope.team.members_from_channel:
        people = await scope.notifier(notifiers).channel_members(channel=scope.channel)
        present = {person.user_id for person in people}
        away = {person.user_id for person in people if person.away}
        for person in people:
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
        scope.session.commit()
        members = list(active_members(session=scope.session, team_id=scope.team.id))
    return [member for member in members if member.platform_user_id not in away]


async def _send_prompt(
    scope: RitualScope, occurrence: Occurrence, notifiers: NotifierRegistry, invitees: list[Member]
) -> None:
    notifier = scope.notifier(notifiers)
    kind = scope.ritual.kind
    if kind == "checkin":
        occurrence.message_ref = await notifier.post_to_channel(
            channel=scope.channel, message=checkin.prompt(scope, occurrence)
        )
    elif kind == "failure_celebration":
        occurrence.message_ref = await notifier.post_to_channel(
            channel=scope.channel, message=failure.opener(scope, occurrence)
        )
    else:
        message = (
            feedback.prompt(scope, occurrence)
            if kind == "anonymous_feedback"
            else pulse.prompt(occurrence)
        )
        await _send_each(scope, notifier, invitees, message)


async def _send_each(
    scope: RitualScope, notifier: Notifier, members: list[Member], message: Message
) -> int:
    """Send a direct message to each member; one person's failure does not stop the others."""
    sent = 0
    for member in members:
        try:
            await notifier.send_direct(person=scope.person(member), message=message)
            sent += 1
        except HavenError:
            raise
        except Exception as error:
            log.warning(
                "direct message to member %s of team %s failed: %s", member.id, scope.team.id, error
            )
    if members and not sent:
        raise PlatformUnavailable(f"no direct message reached team {scope.team.name}")
    return sent


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
    *, session: Session, notifiers: NotifierRegistry, occurrence_id: int
) -> int:
    """Nudge, by direct message, each member who has not answered; return how many were nudged."""
    scope, occurrence = RitualScope.of_occurrence(session=session, occurrence_id=occurrence_id)
    if occurrence.status != "open" or occurrence.reminded:
        return 0
    occurrence.reminded = True
    session.add(occurrence)
    session.commit()
    if scope.ritual.kind not in REMINDER_TEXT:
        return 0  # sharing a failure stays voluntary: no reminders for that ritual
    answered = _answered(scope, occurrence)
    notifier = scope.notifier(notifiers)
    reminder = Reminder(
        occurrence_id=occurrence_id,
        ritual_kind=scope.ritual.kind,
        text=REMINDER_TEXT[scope.ritual.kind],
    )
    present = await _invitees(scope, notifiers)  # people away today are not nudged either
    pending = [member for member in present if member.id not in answered]
    return await _send_each(scope, notifier, pending, reminder)


async def close_occurrence(
    *,
    session: Session,
    notifiers: NotifierRegistry,
    occurrence_id: int,
    now: datetime | None = None,
) -> RoundSummary | None:
    """Close an occurrence: post its summary and forget who answered anonymously."""
    scope, occurrence = RitualScope.of_occurrence(session=session, occurrence_id=occurrence_id)
    rolled_up = scope.ritual.kind in ROLLED_UP_KINDS
    if occurrence.status != "open":
        if rolled_up:  # a retried close: finish a refresh that did not get to run
            refresh_if_stale(session=session, team_id=scope.team.id, iso_week=occurrence.iso_week)
        return None
    occurrence.status = "closed"
    session.add(occurrence)
    session.commit()
    if rolled_up:  # first, so a platform error below cannot leave the week's rollups behind
        refresh_rollups(session=session, team_id=scope.team.id, iso_week=occurrence.iso_week)
    _forget_authors(session, occurrence)  # before release, so leaders get the final item keys
    released = 0
    if scope.ritual.kind == "anonymous_feedback":
        released = await feedback.release(scope=scope, occurrence=occurrence, notifiers=notifiers)
    summary = _summary(scope, occurrence, released)
    notifier = scope.notifier(notifiers)
    if scope.ritual.kind in ("checkin", "failure_celebration") and occurrence.message_ref:
        await notifier.update_message(
            channel=scope.channel, message_ref=occurrence.message_ref, message=summary
        )
    return summary


def _summary(scope: RitualScope, occurrence: Occurrence, released: int) -> RoundSummary:
    kind = scope.ritual.kind
    if kind == "checkin":
        return checkin.summarize(scope, occurrence)
    if kind == "failure_celebration":
        return failure.summarize(scope, occurrence)
    if kind == "anonymous_feedback":
        return feedback.summarize(scope, occurrence, released)
    return pulse.summarize(scope, occurrence)


def _forget_authors(session: Session, occurrence: Occurrence) -> None:
    """Drop the guards, rewrite anonymous rows under new keys in random order, erase old versions."""
    delete_guards(session=session, occurrence_id=occurrence.id)
    store_shuffled(session=session, occurrence_id=occurrence.id, added=None)
    erase_old_versions(session=session, compact=True)
