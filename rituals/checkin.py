"""Meeting check-in: a mood from 1 to 5 and an optional word, shared in the thread or kept private."""

from dataclasses import dataclass
from datetime import timedelta
from statistics import mean

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from rituals import outbox
from rituals.clock import utcnow
from rituals.context import RitualScope, require_open
from rituals.errors import InvalidAnswer
from rituals.messages import MOOD_LABELS, CheckinPrompt, RoundSummary, SharedCheckin
from rituals.outbox_codec import encode
from rituals.ports import NotifierRegistry
from rituals.sentiment import score_text
from rituals.texts import clean_text
from storage.models import Answer, Member, Occurrence
from storage.models_outbox import OutboxMessage
from storage.occurrences import find_answer, named_answers

DEFAULT_QUESTION = "How are you arriving today? Pick a mood and, if you like, add one word."
WEATHER = ((4.5, "☀️ sunny"), (3.5, "🌤 mostly sunny"), (2.5, "⛅ mixed"), (1.5, "🌧 rainy"))


@dataclass(frozen=True)
class CheckinReceipt:
    """What the member is told after answering."""

    mood: int
    text: str | None
    changed: bool
    mode: str = "private"  # the ritual's mode: shared answers are also in the thread


def prompt(scope: RitualScope, occurrence: Occurrence) -> CheckinPrompt:
    """Build the channel prompt of a check-in occurrence."""
    return CheckinPrompt(
        occurrence_id=occurrence.id,
        question=scope.ritual.question or DEFAULT_QUESTION,
        mode=scope.ritual.mode,
        closes_at=occurrence.closes_at,
    )


def require_mood(mood: int) -> None:
    """Refuse a mood outside the 1–5 scale."""
    if mood not in MOOD_LABELS:
        raise InvalidAnswer(f"A mood is a whole number from 1 to 5, not {mood!r}.")


def apply_checkin(
    *,
    session: Session,
    occurrence: Occurrence,
    member: Member,
    existing: Answer | None,
    mood: int,
    text: str | None,
) -> tuple[Answer, bool]:
    """Add or change a member's check-in in the session (not committed); return it and if it changed."""
    answer = existing
    changed = answer is not None
    values = checkin_values(mood=mood, text=text, earlier=answer.text if answer else None)
    if answer is None:
        answer = Answer(occurrence_id=occurrence.id, member_id=member.id, answered_at=utcnow())
    answer.mood, answer.text, answer.sentiment = values.mood, values.text, values.sentiment
    answer.answered_at = utcnow()
    session.add(answer)
    return answer, changed


@dataclass(frozen=True)
class CheckinValues:
    """What a check-in stores: the mood, the word as kept, and the word's sentiment."""

    mood: int
    text: str | None
    sentiment: float | None


def checkin_values(*, mood: int, text: object, earlier: str | None) -> CheckinValues:
    """Return what a click stores, given the word of the member's earlier check-in, if any.

    A second click on a mood keeps the word given earlier. Raises InvalidAnswer for a mood off
    the scale or a text Haven does not keep.
    """
    require_mood(mood)
    kept = clean_text(text)
    if kept is None:
        kept = earlier
    return CheckinValues(mood=mood, text=kept, sentiment=score_text(kept))


async def record(
    *,
    scope: RitualScope,
    occurrence: Occurrence,
    notifiers: NotifierRegistry,
    user_id: str,
    mood: int,
    text: str | None = None,
    display_name: str = "",
) -> CheckinReceipt:
    """Record or replace a member's check-in; in shared mode, queue its reply in the thread with it."""
    require_open(occurrence)
    require_mood(mood)
    member = scope.member_answering(user_id=user_id, display_name=display_name)
    session = scope.session
    try:
        answer, changed = apply_checkin(
            session=session,
            occurrence=occurrence,
            member=member,
            existing=find_answer(session=session, occurrence_id=occurrence.id, member_id=member.id),
            mood=mood,
            text=text,
        )
        if scope.ritual.mode == "shared":
            name = member.display_name or "Someone"
            show_in_thread(
                session=session, scope=scope, occurrence=occurrence, answer=answer, name=name
            )
        session.commit()
    except IntegrityError:  # a concurrent first answer won the race: replace it instead
        session.rollback()
        return await record(
            scope=scope,
            occurrence=occurrence,
            notifiers=notifiers,
            user_id=user_id,
            mood=mood,
            text=text,
            display_name=display_name,
        )
    if scope.ritual.mode == "shared":
        await outbox.dispatch(session, notifiers)
    return CheckinReceipt(mood=mood, text=answer.text, changed=changed, mode=scope.ritual.mode)


THREAD_PATIENCE = timedelta(hours=1)  # a reply to an answer given as the round closes still goes


def thread_post_key(answer_id: int) -> str:
    """Return the outbox key of a shared check-in's reply in its round's thread."""
    return f"answer:{answer_id}:thread"


def show_in_thread(
    *, session: Session, scope: RitualScope, occurrence: Occurrence, answer: Answer, name: str
) -> None:
    """Queue, in the answer's transaction, its thread reply: a post the first time, then updates."""
    session.flush()  # the answer's id names its rows
    assert answer.id is not None
    shared = SharedCheckin(
        occurrence_id=occurrence.id, display_name=name, mood=answer.mood or 0, text=answer.text
    )
    give_up_at = max(occurrence.closes_at, utcnow()) + THREAD_PATIENCE
    post_key = thread_post_key(answer.id)
    if not answer.message_ref and _rewrite_unsent(session, post_key, shared):
        return
    posted = (
        answer.message_ref
        or session.exec(select(OutboxMessage.id).where(OutboxMessage.key == post_key)).first()
    )
    if not posted:
        envelope = outbox.Envelope(
            key=post_key,
            action="post_in_thread",
            platform=scope.channel.platform,
            workspace=scope.channel.workspace,
            channel=scope.channel.channel,
            message=shared,
            give_up_at=give_up_at,
            ref=occurrence.message_ref,
            ref_from="" if occurrence.message_ref else outbox.prompt_key(occurrence.id),
            follow_up=f"answer:{answer.id}",
        )
    else:  # one row per change, keyed by when the change was made
        envelope = outbox.updating(
            key=f"{post_key}:{answer.answered_at.timestamp():.6f}",
            channel=scope.channel,
            message=shared,
            give_up_at=give_up_at,
            ref=answer.message_ref,
            ref_from="" if answer.message_ref else post_key,
        )
    outbox.enqueue(session, [envelope])


def show_named_in_thread(*, engine: Engine, answer_ids: list[int]) -> None:
    """Queue the thread replies of answers again under their members' names, looked up since."""
    with Session(engine, expire_on_commit=False) as session:
        for answer_id in answer_ids:
            answer = session.get(Answer, answer_id)
            if answer is None:
                continue
            scope, occurrence = RitualScope.of_occurrence(
                session=session, occurrence_id=answer.occurrence_id
            )
            member = session.get(Member, answer.member_id)
            name = (member.display_name if member else "") or "Someone"
            show_in_thread(
                session=session, scope=scope, occurrence=occurrence, answer=answer, name=name
            )
        session.commit()


def _rewrite_unsent(session: Session, key: str, message: SharedCheckin) -> bool:
    """Give a reply not yet tried its new content; return False once a sender has taken it."""
    untried = update(OutboxMessage).where(
        col(OutboxMessage.key) == key,
        col(OutboxMessage.state) == "pending",
        col(OutboxMessage.claimed_by) == "",
        col(OutboxMessage.attempts) == 0,
    )
    result = session.execute(untried.values(payload=encode(message)))
    return bool(getattr(result, "rowcount", 0))


def answered_member_ids(scope: RitualScope, occurrence: Occurrence) -> set[int]:
    """Return who has answered the occurrence."""
    return {
        a.member_id for a in named_answers(session=scope.session, occurrence_ids=[occurrence.id])
    }


def weather(mean_mood: float) -> str:
    """Return the team 'weather' for a mean mood."""
    return next((label for floor, label in WEATHER if mean_mood >= floor), "⛈ stormy")


def mood_distribution(moods: list[int]) -> str:
    """Return how many people gave each mood, e.g. 'Rough 0 · Meh 1 · Okay 2 · Good 3 · Great 1'."""
    return " · ".join(f"{label} {moods.count(mood)}" for mood, label in MOOD_LABELS.items())


def summarize(scope: RitualScope, occurrence: Occurrence) -> RoundSummary:
    """Summarise the round: count, team weather and moods from k people, never one person's answer."""
    answers = named_answers(session=scope.session, occurrence_ids=[occurrence.id])
    count = len(answers)
    lines = [f"{count} of {occurrence.invited_count} checked in."]
    if count >= scope.team.threshold_numbers:
        moods = [a.mood for a in answers if a.mood]
        lines.append(f"Team weather: {weather(mean(moods))}.")
        lines.append(f"Moods from {len(moods)} people: {mood_distribution(moods)}.")
    elif count:
        lines.append(f"Team weather is shown from {scope.team.threshold_numbers} answers on.")
    return RoundSummary(
        occurrence_id=occurrence.id,
        ritual_kind="checkin",
        title="Check-in closed — thank you",
        lines=tuple(lines),
    )
