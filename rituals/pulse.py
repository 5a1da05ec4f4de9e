"""Safety pulse: this week's Edmondson items in a direct message, answered on a 7-point scale."""

from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from rituals.clock import utcnow
from rituals.context import RitualScope, require_open
from rituals.errors import InvalidAnswer
from rituals.messages import PulseItem, PulsePrompt, RoundSummary
from rituals.metrics import ANSWERS_RECORDED
from rituals.pulse_items import EDMONDSON_ITEMS
from storage.models import Answer, Occurrence
from storage.occurrences import find_answer, named_answers


@dataclass(frozen=True)
class PulseReceipt:
    """What the member is told after answering one item."""

    item: int
    score: int
    changed: bool
    remaining: tuple[int, ...]


def asked_items(occurrence: Occurrence) -> tuple[int, ...]:
    """Return the items an occurrence asks."""
    return tuple(int(number) for number in occurrence.pulse_items.split(",") if number)


def prompt(occurrence: Occurrence) -> PulsePrompt:
    """Build the direct-message prompt with the occurrence's items."""
    return PulsePrompt(
        occurrence_id=occurrence.id,
        items=tuple(
            PulseItem(number=n, statement=EDMONDSON_ITEMS[n]) for n in asked_items(occurrence)
        ),
        closes_at=occurrence.closes_at,
    )


def record(
    *, scope: RitualScope, occurrence: Occurrence, user_id: str, item: int, score: int
) -> PulseReceipt:
    """Record or replace a member's answer to one item of the pulse."""
    require_open(occurrence)
    items = asked_items(occurrence)
    if item not in items:
        raise InvalidAnswer(
            f"This pulse asks items {', '.join(map(str, items))}, not item {item!r}."
        )
    if not isinstance(score, int) or not 1 <= score <= 7:
        raise InvalidAnswer(
            f"An answer on the agree scale is a whole number from 1 to 7, not {score!r}."
        )
    member = scope.member_answering(user_id=user_id)
    session = scope.session
    answer = find_answer(
        session=session, occurrence_id=occurrence.id, member_id=member.id, item=item
    )
    changed = answer is not None
    answer = answer or Answer(
        occurrence_id=occurrence.id, member_id=member.id, item=item, answered_at=utcnow()
    )
    answer.score, answer.answered_at = score, utcnow()
    session.add(answer)
    try:
        session.commit()
    except IntegrityError:  # a concurrent first answer won: answer again to replace it
        session.rollback()
        return record(scope=scope, occurrence=occurrence, user_id=user_id, item=item, score=score)
    ANSWERS_RECORDED.labels(kind="safety_pulse").inc()
    done = {
        a.item
        for a in named_answers(session=session, occurrence_ids=[occurrence.id])
        if a.member_id == member.id
    }
    return PulseReceipt(
        item=item, score=score, changed=changed, remaining=tuple(i for i in items if i not in done)
    )


def answered_member_ids(scope: RitualScope, occurrence: Occurrence) -> set[int]:
    """Return who has answered every item of the occurrence."""
    items = set(asked_items(occurrence))
    by_member: dict[int, set[int]] = {}
    for answer in named_answers(session=scope.session, occurrence_ids=[occurrence.id]):
        by_member.setdefault(answer.member_id, set()).add(answer.item)
    return {member_id for member_id, answered in by_member.items() if answered >= items}


def summarize(scope: RitualScope, occurrence: Occurrence) -> RoundSummary:
    """Summarise the pulse by participation only; scores go to the digest in aggregate."""
    people = {
        a.member_id for a in named_answers(session=scope.session, occurrence_ids=[occurrence.id])
    }
    return RoundSummary(
        occurrence_id=occurrence.id,
        ritual_kind="safety_pulse",
        title="Safety pulse closed — thank you",
        lines=(f"{len(people)} of {occurrence.invited_count} answered this week's pulse.",),
    )
