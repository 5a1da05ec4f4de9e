"""Meeting check-in: a mood from 1 to 5 and an optional word, shared in the thread or kept private."""

from dataclasses import dataclass
from statistics import mean

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from rituals.clock import utcnow
from rituals.context import RitualScope, require_open
from rituals.errors import InvalidAnswer
from rituals.messages import MOOD_LABELS, CheckinPrompt, RoundSummary, SharedCheckin
from rituals.ports import NotifierRegistry
from rituals.sentiment import score_text
from rituals.texts import clean_text
from storage.models import Answer, Member, Occurrence
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
    require_mood(mood)
    text = clean_text(text)
    answer = existing
    changed = answer is not None
    if answer is None:
        answer = Answer(occurrence_id=occurrence.id, member_id=member.id, answered_at=utcnow())
    if changed and text is None:
        text = answer.text  # a second click on a mood keeps the word given earlier
    answer.mood, answer.text, answer.answered_at = mood, text, utcnow()
    answer.sentiment = score_text(text)
    session.add(answer)
    return answer, changed


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
    """Record or replace a member's check-in; in shared mode, show it in the thread."""
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
    if scope.ritual.mode == "shared" and occurrence.message_ref:
        await _show_in_thread(
            scope, occurrence, notifiers, answer, member.display_name or "Someone"
        )
    return CheckinReceipt(mood=mood, text=answer.text, changed=changed, mode=scope.ritual.mode)


async def show_in_thread(*, engine: Engine, notifiers: NotifierRegistry, answer_id: int) -> None:
    """Post a stored shared-mode check-in in its round's thread, or update the reply already there."""
    with Session(engine, expire_on_commit=False) as session:
        answer = session.get(Answer, answer_id)
        if answer is None:
            return
        scope, occurrence = RitualScope.of_occurrence(
            session=session, occurrence_id=answer.occurrence_id
        )
        member = session.get(Member, answer.member_id)
        name = (member.display_name if member else "") or "Someone"
        await _show_in_thread(scope, occurrence, notifiers, answer, name)


async def _show_in_thread(
    scope: RitualScope,
    occurrence: Occurrence,
    notifiers: NotifierRegistry,
    answer: Answer,
    name: str,
) -> None:
    notifier = scope.notifier(notifiers)
    shared = SharedCheckin(
        occurrence_id=occurrence.id, display_name=name, mood=answer.mood or 0, text=answer.text
    )
    if answer.message_ref:
        await notifier.update_message(
            channel=scope.channel, message_ref=answer.message_ref, message=shared
        )
        return
    answer.message_ref = await notifier.post_in_thread(
        channel=scope.channel, thread_ref=occurrence.message_ref, message=shared
    )
    scope.session.add(answer)
    scope.session.commit()


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
