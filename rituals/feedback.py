"""Anonymous feedback: a question by direct message, answers kept with no link to who wrote them."""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError

from rituals import outbox
from rituals.anonymity import answer_digest
from rituals.anonymous_rows import anonymous_answer, store_shuffled
from rituals.context import RitualScope, require_open
from rituals.errors import InvalidAnswer
from rituals.messages import FeedbackBatch, FeedbackPrompt, RoundSummary
from rituals.relay import seal
from rituals.texts import clean_text
from storage.models import AnonymousGuard, Occurrence
from storage.occurrences import anonymous_answers, guard_digests
from storage.teams import active_members, leaders

DEFAULT_QUESTION = "What makes it hard to speak up here?"


@dataclass(frozen=True)
class FeedbackReceipt:
    """What the author is told: stored anonymously, and when the leader will see it."""

    answers_so_far: int
    threshold: int


def prompt(scope: RitualScope, occurrence: Occurrence) -> FeedbackPrompt:
    """Build the direct-message question."""
    return FeedbackPrompt(
        occurrence_id=occurrence.id,
        question=scope.ritual.question or DEFAULT_QUESTION,
        threshold=scope.team.threshold_texts,
        closes_at=occurrence.closes_at,
    )


def record(
    *,
    scope: RitualScope,
    occurrence: Occurrence,
    user_id: str,
    text: str | None,
    relay_key: bytes | None = None,
) -> FeedbackReceipt:
    """Store an anonymous answer once per member; with a relay key, leaders may reply via Haven.

    Three transactions, so that none holds both the author and the answer: the member's
    enrolment, then the guard alone, then the answer with every other answer rewritten.
    """
    require_open(occurrence)
    if scope.ritual.kind != "anonymous_feedback":
        raise InvalidAnswer("This round takes no anonymous feedback.")
    text = clean_text(text)
    if text is None:
        raise InvalidAnswer("An empty answer was not saved; write a few words.")
    session = scope.session
    member = scope.member_answering(user_id=user_id)
    person = scope.person(member)
    session.commit()
    guard = AnonymousGuard(
        occurrence_id=occurrence.id,
        digest=answer_digest(occurrence_id=occurrence.id, member_id=member.id),
    )
    session.add(guard)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise InvalidAnswer(
            "You have already answered this question; anonymous answers cannot be changed."
        ) from None
    sealed = seal(key=relay_key, person=person, occurrence_id=occurrence.id) if relay_key else None
    added = anonymous_answer(occurrence=occurrence, kind="feedback", text=text, reply_seal=sealed)
    try:
        store_shuffled(session=session, occurrence_id=occurrence.id, added=added)
    except BaseException:
        session.rollback()
        session.delete(guard)  # the answer was not kept: the person may try again
        session.commit()
        raise
    count = len(anonymous_answers(session=session, occurrence_ids=[occurrence.id], kind="feedback"))
    return FeedbackReceipt(answers_so_far=count, threshold=scope.team.threshold_texts)


def answered_member_ids(scope: RitualScope, occurrence: Occurrence) -> set[int]:
    """Return who has answered, recognisable only while the occurrence is open."""
    if occurrence.status != "open":
        return set()
    digests = guard_digests(session=scope.session, occurrence_id=occurrence.id)
    members = active_members(session=scope.session, team_id=scope.team.id)
    return {
        m.id
        for m in members
        if answer_digest(occurrence_id=occurrence.id, member_id=m.id) in digests
    }


RELEASE_PATIENCE = timedelta(days=7)  # how long a released batch keeps trying to reach a leader


def release(*, scope: RitualScope, occurrence: Occurrence, now: datetime) -> int:
    """Queue the answers to the leaders in one shuffled batch if at least k exist; return how many.

    The answers are marked released and the leaders' messages enqueued in the caller's
    transaction: both happen, or neither.
    """
    answers = list(
        anonymous_answers(session=scope.session, occurrence_ids=[occurrence.id], kind="feedback")
    )
    if len(answers) < scope.team.threshold_texts or any(a.released for a in answers):
        return 0
    random.SystemRandom().shuffle(answers)
    batch = FeedbackBatch(
        occurrence_id=occurrence.id,
        question=scope.ritual.question or DEFAULT_QUESTION,
        items=tuple((a.key, a.text) for a in answers),
        replyable=frozenset(a.key for a in answers if a.reply_seal),
    )
    envelopes = [
        outbox.direct(
            key=f"occ:{occurrence.id}:batch:{leader.id}",
            person=scope.person(leader),
            message=batch,
            give_up_at=now + RELEASE_PATIENCE,
        )
        for leader in leaders(session=scope.session, team_id=scope.team.id)
    ]
    outbox.enqueue(scope.session, envelopes, now=now)
    for answer in answers:
        answer.released = True
        scope.session.add(answer)
    return len(answers)


def summarize(scope: RitualScope, occurrence: Occurrence, released: int) -> RoundSummary:
    """Summarise the question: how many answered and whether the answers reached the leaders."""
    count = len(
        anonymous_answers(session=scope.session, occurrence_ids=[occurrence.id], kind="feedback")
    )
    k = scope.team.threshold_texts
    outcome = (
        f"{released} answers went to the team's leaders in one shuffled batch."
        if released
        else f"Answers are withheld: {count} of the needed {k}, so none is shown to anyone."
    )
    return RoundSummary(
        occurrence_id=occurrence.id,
        ritual_kind="anonymous_feedback",
        title="Anonymous feedback closed — thank you",
        lines=(f"{count} anonymous answers.", outcome),
    )
