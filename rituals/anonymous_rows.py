"""Anonymous answer rows: a random key, the round's day only, and nothing that points to the author."""

from collections.abc import Sequence

from sqlmodel import Session

from rituals import outbox
from rituals.anonymity import new_anonymous_key
from rituals.errors import InvalidAnswer
from rituals.sentiment import score_text
from storage.models import AnonymousAnswer, Occurrence
from storage.occurrences import anonymous_answers, lock_occurrence
from storage.old_versions import erase_old_versions


def anonymous_answer(
    *, occurrence: Occurrence, kind: str, text: str, reply_seal: str | None = None
) -> AnonymousAnswer:
    """Build an anonymous answer scored for sentiment and dated to the day its round opened."""
    return AnonymousAnswer(
        key=new_anonymous_key(),
        occurrence_id=occurrence.id,
        kind=kind,
        text=text,
        sentiment=score_text(text),
        answered_on=occurrence.scheduled_at.date(),  # not the day it was given: no "who, when"
        reply_seal=reply_seal,
    )


def store_shuffled(
    *,
    session: Session,
    occurrence_id: int,
    added: AnonymousAnswer | None,
    posts: Sequence[outbox.Envelope] = (),
) -> None:
    """Rewrite the occurrence's anonymous answers (and the added one) under fresh keys, in random order.

    Every live row then carries the same transaction, and a place (rowid, ctid) that follows only
    keys drawn now, so neither tells which answer came when; the old versions are erased after.
    The posts (outbox rows carrying no author) are written in that same transaction.
    """
    session.commit()  # nothing the caller did shares this transaction
    if not lock_occurrence(
        session=session, occurrence_id=occurrence_id, open_only=added is not None
    ):
        session.rollback()
        raise InvalidAnswer("This round has closed; answers are no longer taken.")
    rewrite_shuffled(session=session, occurrence_id=occurrence_id, added=added)
    outbox.enqueue(session, posts)
    session.commit()
    erase_old_versions(session=session)


def rewrite_shuffled(
    *, session: Session, occurrence_id: int, added: AnonymousAnswer | None = None
) -> None:
    """Rewrite the anonymous answers under fresh keys in the caller's transaction (it holds the lock)."""
    rows = list(anonymous_answers(session=session, occurrence_ids=[occurrence_id]))
    copies = [_rekeyed(row) for row in rows]
    if added is not None:
        copies.append(_rekeyed(added))
    for row in rows:
        session.delete(row)
    session.flush()
    copies.sort(key=lambda row: row.key)  # fresh random keys: a random order
    session.add_all(copies)
    session.flush()


def _rekeyed(row: AnonymousAnswer) -> AnonymousAnswer:
    """Return a copy of an anonymous answer under a fresh random key."""
    return AnonymousAnswer(
        key=new_anonymous_key(),
        occurrence_id=row.occurrence_id,
        kind=row.kind,
        text=row.text,
        sentiment=row.sentiment,
        answered_on=row.answered_on,
        released=row.released,
        reply_seal=row.reply_seal,
    )
