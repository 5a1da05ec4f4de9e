"""Check-in answers as plain rows: one read and at most one insert and one update for a batch.

The ORM builds an object, tracks it and writes it back one by one; for a batch of a busy
check-in's clicks, that bookkeeping costs several times the statements themselves. These
statements are built once and run with each batch's values.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, insert, select, update
from sqlmodel import Session

from storage.models import Answer, Member

ANSWERS = Answer.__table__  # type: ignore[attr-defined]
MEMBERS = Member.__table__  # type: ignore[attr-defined]

MEMBERS_WITH_CHECKINS = (
    select(
        MEMBERS.c.id,
        MEMBERS.c.platform_user_id,
        MEMBERS.c.display_name,
        MEMBERS.c.active,
        ANSWERS.c.id,
        ANSWERS.c.text,
    )
    .outerjoin(
        ANSWERS,
        (ANSWERS.c.member_id == MEMBERS.c.id)
        & (ANSWERS.c.occurrence_id == bindparam("occurrence_id"))
        & (ANSWERS.c.item == 0),
    )
    .where(
        MEMBERS.c.team_id == bindparam("team_id"),
        MEMBERS.c.platform_user_id.in_(bindparam("user_ids", expanding=True)),
    )
)
NEW_CHECKIN = insert(ANSWERS).values(
    occurrence_id=bindparam("occurrence_id"),
    member_id=bindparam("member_id"),
    item=0,
    mood=bindparam("mood"),
    text=bindparam("text"),
    sentiment=bindparam("sentiment"),
    message_ref="",
    answered_at=bindparam("answered_at"),
)
CHANGED_CHECKIN = (
    update(ANSWERS)
    .where(ANSWERS.c.id == bindparam("answer_id"))
    .values(
        mood=bindparam("mood"),
        text=bindparam("text"),
        sentiment=bindparam("sentiment"),
        answered_at=bindparam("answered_at"),
    )
)


@dataclass(frozen=True)
class MemberCheckin:
    """A member as a check-in batch needs them, with their answer to the round so far."""

    member_id: int
    user_id: str
    named: bool
    active: bool
    answer_id: int | None
    text: str | None


@dataclass(frozen=True)
class CheckinRow:
    """What one member's check-in of a round is to store: a new answer, or their answer changed."""

    occurrence_id: int
    member_id: int
    answer_id: int | None  # None: the member's first answer to the round
    mood: int
    text: str | None
    sentiment: float | None
    answered_at: datetime


def members_with_checkins(
    session: Session, *, occurrence_id: int, team_id: int, user_ids: Sequence[str]
) -> dict[str, MemberCheckin]:
    """Return the team's members among these user ids, each with their check-in to the round."""
    rows = session.connection().execute(
        MEMBERS_WITH_CHECKINS,
        {"occurrence_id": occurrence_id, "team_id": team_id, "user_ids": list(user_ids)},
    )
    return {
        user_id: MemberCheckin(
            member_id=member_id,
            user_id=user_id,
            named=bool(name),
            active=bool(active),
            answer_id=answer_id,
            text=text,
        )
        for member_id, user_id, name, active, answer_id, text in rows
    }


def write_checkins(session: Session, rows: Sequence[CheckinRow]) -> None:
    """Insert the first answers and update the changed ones, one statement each."""
    new = [_values(row) for row in rows if row.answer_id is None]
    changed = [_values(row) | {"answer_id": row.answer_id} for row in rows if row.answer_id]
    connection = session.connection()
    if new:
        connection.execute(NEW_CHECKIN, new)
    if changed:
        connection.execute(CHANGED_CHECKIN, changed)


def _values(row: CheckinRow) -> dict[str, object]:
    return {
        "occurrence_id": row.occurrence_id,
        "member_id": row.member_id,
        "mood": row.mood,
        "text": row.text,
        "sentiment": row.sentiment,
        "answered_at": row.answered_at,
    }
