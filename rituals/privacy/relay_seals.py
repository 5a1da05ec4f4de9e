"""Relay seals of one person voided, without showing which: every seal is rewritten at once.

A seal is the author's address encrypted under HAVEN_RELAY_KEY. Clearing only the forgotten
person's seals would tell anyone comparing two backups which anonymous answers were theirs, so
every seal gets a fresh nonce, and theirs become random bytes of the same length.
"""

import base64
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlmodel import Session, select

from rituals.errors import InvalidAnswer
from rituals.relay import seal, unseal
from storage.models import AnonymousAnswer, Occurrence


def _random_like(sealed: str) -> str:
    return base64.urlsafe_b64encode(
        secrets.token_bytes(len(base64.urlsafe_b64decode(sealed)))
    ).decode()


def void_seals_of(
    *, session: Session, key: bytes, user_ids: Sequence[str], dry_run: bool = False
) -> int:
    """Make the seals of these user ids unopenable and re-seal every other; return how many voided."""
    voided = 0
    for answer in session.exec(
        select(AnonymousAnswer).where(AnonymousAnswer.reply_seal.is_not(None))
    ):
        try:
            author = unseal(key=key, sealed=answer.reply_seal, occurrence_id=answer.occurrence_id)
        except (InvalidAnswer, ValueError):
            author = None
        if author is not None and author.user_id in user_ids:
            voided += 1
            fresh = _random_like(answer.reply_seal)
        elif author is not None:
            fresh = seal(key=key, person=author, occurrence_id=answer.occurrence_id)
        else:
            fresh = _random_like(answer.reply_seal)
        if not dry_run:
            answer.reply_seal = fresh
            session.add(answer)
    return voided


def drop_expired_seals(*, session: Session, now: datetime, reply_window_days: int) -> int:
    """Drop the seals of occurrences whose reply window has ended; return how many."""
    ended = now - timedelta(days=reply_window_days)
    rows = session.exec(
        select(AnonymousAnswer)
        .join(Occurrence, Occurrence.id == AnonymousAnswer.occurrence_id)
        .where(AnonymousAnswer.reply_seal.is_not(None), Occurrence.closes_at < ended)
    ).all()
    for answer in rows:
        answer.reply_seal = None
        session.add(answer)
    return len(rows)
