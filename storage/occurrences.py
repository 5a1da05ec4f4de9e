"""Queries about rituals, occurrences and the answers given to them."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func
from sqlalchemy import update as sa_update
from sqlmodel import Session, select

from storage.models import (
    AnonymousAnswer,
    AnonymousGuard,
    Answer,
    Occurrence,
    Ritual,
    Story,
    Team,
)


def rituals_of_team(
    *, session: Session, team_id: int, include_paused: bool = True
) -> Sequence[Ritual]:
    """Return the team's rituals, in creation order."""
    query = select(Ritual).where(Ritual.team_id == team_id)
    if not include_paused:
        query = query.where(Ritual.paused == False)  # noqa: E712
    return session.exec(query.order_by(Ritual.id)).all()


def active_rituals(*, session: Session) -> Sequence[tuple[Ritual, Team]]:
    """Return every ritual that is not paused, with its team."""
    return session.exec(
        select(Ritual, Team).join(Team, Team.id == Ritual.team_id).where(Ritual.paused == False)  # noqa: E712
    ).all()


def find_occurrence(
    *, session: Session, ritual_id: int, scheduled_at: datetime
) -> Occurrence | None:
    """Return the occurrence of a ritual at a scheduled UTC time, if it exists."""
    return session.exec(
        select(Occurrence).where(
            Occurrence.ritual_id == ritual_id, Occurrence.scheduled_at == scheduled_at
        )
    ).first()


def count_occurrences(*, session: Session, ritual_id: int) -> int:
    """Return how many occurrences a ritual has had."""
    return session.exec(
        select(func.count()).select_from(Occurrence).where(Occurrence.ritual_id == ritual_id)
    ).one()


def latest_open_occurrence(*, session: Session, ritual_id: int) -> Occurrence | None:
    """Return the ritual's most recent open occurrence, if any."""
    return session.exec(
        select(Occurrence)
        .where(Occurrence.ritual_id == ritual_id, Occurrence.status == "open")
        .order_by(Occurrence.scheduled_at.desc())
    ).first()


def open_occurrences(*, session: Session) -> Sequence[Occurrence]:
    """Return every occurrence that is still open."""
    return session.exec(select(Occurrence).where(Occurrence.status == "open")).all()


def occurrences_of_team_week(
    *, session: Session, team_id: int, iso_week: str
) -> Sequence[tuple[Occurrence, Ritual]]:
    """Return the team's occurrences scheduled in an ISO week, with their rituals."""
    return session.exec(
        select(Occurrence, Ritual)
        .join(Ritual, Ritual.id == Occurrence.ritual_id)
        .where(Ritual.team_id == team_id, Occurrence.iso_week == iso_week)
        .order_by(Occurrence.scheduled_at)
    ).all()


def named_answers(*, session: Session, occurrence_ids: Sequence[int]) -> Sequence[Answer]:
    """Return the named answers of the given occurrences."""
    if not occurrence_ids:
        return []
    return session.exec(select(Answer).where(Answer.occurrence_id.in_(occurrence_ids))).all()


def find_answer(
    *, session: Session, occurrence_id: int, member_id: int, item: int = 0
) -> Answer | None:
    """Return a member's named answer to an occurrence (and pulse item), if any."""
    return session.exec(
        select(Answer).where(
            Answer.occurrence_id == occurrence_id,
            Answer.member_id == member_id,
            Answer.item == item,
        )
    ).first()


def stories(*, session: Session, occurrence_ids: Sequence[int]) -> Sequence[Story]:
    """Return the named failure stories of the given occurrences."""
    if not occurrence_ids:
        return []
    return session.exec(select(Story).where(Story.occurrence_id.in_(occurrence_ids))).all()


def anonymous_answers(
    *, session: Session, occurrence_ids: Sequence[int], kind: str | None = None
) -> Sequence[AnonymousAnswer]:
    """Return the anonymous answers of the given occurrences, optionally of one kind."""
    if not occurrence_ids:
        return []
    query = select(AnonymousAnswer).where(AnonymousAnswer.occurrence_id.in_(occurrence_ids))
    if kind is not None:
        query = query.where(AnonymousAnswer.kind == kind)
    return session.exec(query).all()


def guard_digests(*, session: Session, occurrence_id: int) -> set[str]:
    """Return the keyed hashes of who answered an open occurrence anonymously."""
    return set(
        session.exec(
            select(AnonymousGuard.digest).where(AnonymousGuard.occurrence_id == occurrence_id)
        ).all()
    )


def delete_guards(*, session: Session, occurrence_id: int) -> None:
    """Delete an occurrence's duplicate guards once it has closed."""
    for guard in session.exec(
        select(AnonymousGuard).where(AnonymousGuard.occurrence_id == occurrence_id)
    ):
        session.delete(guard)


def lock_occurrence(*, session: Session, occurrence_id: int, open_only: bool) -> bool:
    """Take the occurrence's write lock for this transaction; False when it is gone (or closed).

    A write, not SELECT … FOR UPDATE, because SQLite has no row locks: as the transaction's first
    statement it takes the database's write lock, so the reads after it see every earlier answer.
    """
    update = sa_update(Occurrence).where(Occurrence.id == occurrence_id)
    if open_only:
        update = update.where(Occurrence.status == "open")
    result = session.execute(update.values(status=Occurrence.status))
    return result.rowcount == 1
