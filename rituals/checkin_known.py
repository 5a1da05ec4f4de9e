"""The common case under load: private check-ins of known members, written as plain rows.

A busy private check-in's clicks come, after the first minute, from members Haven knows and
who may have answered before. Their batch needs no ORM objects: one read of the members and
their answers, then one insert of first answers and one update of changed ones. Any click
that needs more (a newcomer, a member who left, a shared round with its thread reply) sends
the whole batch down the full path instead.
"""

from collections.abc import Sequence

from sqlmodel import Session

from rituals.checkin import CheckinReceipt, checkin_values
from rituals.checkin_click import (
    CheckinClick,
    Outcome,
    Recorded,
    Scopes,
    round_of,
    users_by_round,
)
from rituals.clock import utcnow
from rituals.errors import HavenError
from storage.checkin_rows import CheckinRow, MemberCheckin, members_with_checkins, write_checkins


def write_known_private(
    session: Session, clicks: Sequence[CheckinClick], scopes: Scopes
) -> list[Outcome] | None:
    """Write the batch as rows and return each click's outcome; None when it needs the full path.

    Nothing is written before every click has been checked, so returning None changes nothing.
    """
    known = _known_members(session, clicks, scopes)
    rows: dict[tuple[int, int], CheckinRow] = {}  # the latest click of each member and round
    outcomes: list[Outcome] = []
    now = utcnow()
    for click in clicks:
        opened = round_of(click, scopes)
        if isinstance(opened, HavenError):
            outcomes.append(opened)
            continue
        member = known.get((click.occurrence_id, click.user_id))
        if opened[0].ritual.mode != "private" or member is None or not member.active:
            return None
        before = rows.get((click.occurrence_id, member.member_id))
        try:
            values = checkin_values(
                mood=click.mood, text=click.text, earlier=before.text if before else member.text
            )
        except HavenError as error:
            outcomes.append(error)
            continue
        rows[(click.occurrence_id, member.member_id)] = CheckinRow(
            occurrence_id=click.occurrence_id,
            member_id=member.member_id,
            answer_id=member.answer_id,
            mood=values.mood,
            text=values.text,
            sentiment=values.sentiment,
            answered_at=now,
        )
        receipt = CheckinReceipt(
            mood=values.mood,
            text=values.text,
            changed=before is not None or member.answer_id is not None,
            mode="private",
        )
        unnamed = None if member.named else member.member_id
        outcomes.append(Recorded(receipt=receipt, unnamed_member_id=unnamed))
    write_checkins(session, list(rows.values()))
    return outcomes


def _known_members(
    session: Session, clicks: Sequence[CheckinClick], scopes: Scopes
) -> dict[tuple[int, str], MemberCheckin]:
    """Return the clicking members of each open round, by (occurrence id, user id)."""
    known: dict[tuple[int, str], MemberCheckin] = {}
    for occurrence_id, (scope, _occurrence), user_ids in users_by_round(clicks, scopes):
        found = members_with_checkins(
            session, occurrence_id=occurrence_id, team_id=scope.team.id, user_ids=user_ids
        )
        known.update({(occurrence_id, user_id): m for user_id, m in found.items()})
    return known
