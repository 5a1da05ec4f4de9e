"""Keyword-only queries for dashboard sign-in: used link nonces, sessions, released feedback."""

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, select

from storage.models import AnonymousAnswer, Occurrence, Ritual
from storage.models_dashboard import DashboardLinkUse, DashboardSession


def use_link_nonce(*, session: Session, nonce: str, now: datetime, forget_after: timedelta) -> bool:
    """Record a link's nonce as used; return False when it was used before."""
    session.add(DashboardLinkUse(nonce=nonce, used_at=now))
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        return False
    session.exec(delete(DashboardLinkUse).where(col(DashboardLinkUse.used_at) < now - forget_after))
    session.commit()
    return True


def save_session(*, session: Session, record: DashboardSession, now: datetime) -> None:
    """Store a new browser session, dropping the ones that have expired."""
    session.exec(delete(DashboardSession).where(col(DashboardSession.expires_at) <= now))
    session.add(record)
    session.commit()


def live_session(*, session: Session, token_hash: str, now: datetime) -> DashboardSession | None:
    """Return the session with this token hash unless it has expired."""
    found = session.get(DashboardSession, token_hash)
    if found is None or found.expires_at <= now:
        return None
    return found


def end_session(*, session: Session, token_hash: str, now: datetime) -> None:
    """Delete a session, and every expired one with it."""
    session.exec(
        delete(DashboardSession).where(
            (col(DashboardSession.token_hash) == token_hash)
            | (col(DashboardSession.expires_at) <= now)
        )
    )
    session.commit()


def released_feedback(
    *, session: Session, team_id: int
) -> Sequence[tuple[Occurrence, Ritual, AnonymousAnswer]]:
    """Return the team's released anonymous feedback, newest batch first, in stored (shuffled) order."""
    return session.exec(
        select(Occurrence, Ritual, AnonymousAnswer)
        .join(Ritual, col(Ritual.id) == Occurrence.ritual_id)
        .join(AnonymousAnswer, col(AnonymousAnswer.occurrence_id) == Occurrence.id)
        .where(
            Ritual.team_id == team_id,
            AnonymousAnswer.kind == "feedback",
            col(AnonymousAnswer.released).is_(True),
        )
        .order_by(col(Occurrence.scheduled_at).desc(), col(AnonymousAnswer.key))
    ).all()


def team_of_released_item(*, session: Session, item_key: str) -> int | None:
    """Return the team of a released anonymous answer, or None when there is no such answer."""
    return session.exec(
        select(Ritual.team_id)
        .join(Occurrence, col(Occurrence.ritual_id) == Ritual.id)
        .join(AnonymousAnswer, col(AnonymousAnswer.occurrence_id) == Occurrence.id)
        .where(AnonymousAnswer.key == item_key, col(AnonymousAnswer.released).is_(True))
    ).first()
