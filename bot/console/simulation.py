"""Run the demo team's rituals over simulated weeks on a simulated clock."""

import random
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlmodel import Session

from bot.console.demo_team import FEEDBACK, STORIES, WORDS_BY_MOOD, Persona
from rituals import checkin, failure, feedback, pulse
from rituals.context import RitualScope, answer_window
from rituals.errors import InvalidAnswer
from rituals.lifecycle import close_occurrence, open_occurrence, send_reminders
from rituals.ports import NotifierRegistry
from rituals.scheduling import fire_times
from storage.models import Occurrence, Team
from storage.occurrences import rituals_of_team


def planned_occurrences(
    *, session: Session, team: Team, start: datetime, end: datetime
) -> list[tuple[datetime, int]]:
    """Return (fire time, ritual id) of every occurrence between start and end, in time order."""
    planned = []
    for ritual in rituals_of_team(session=session, team_id=team.id, include_paused=False):
        times = fire_times(
            schedule=ritual.schedule,
            timezone=team.timezone,
            working_days=team.working_days,
            after_utc=start,
            until_utc=end,
        )
        planned.extend((moment, ritual.id) for moment in times)
    return sorted(planned)


async def simulate(
    *,
    session: Session,
    notifiers: NotifierRegistry,
    team: Team,
    people: list[Persona],
    start: datetime,
    end: datetime,
    seed: int,
    on_step: Callable[[], None] = lambda: None,
) -> int:
    """Open, answer, remind and close every occurrence in [start, end]; return how many ran."""
    rng = random.Random(seed)
    planned = planned_occurrences(session=session, team=team, start=start, end=end)
    for moment, ritual_id in planned:
        progress = (moment - start) / (end - start)
        scope = RitualScope.of_ritual(session=session, ritual_id=ritual_id)
        occurrence = await open_occurrence(
            session=session,
            notifiers=notifiers,
            ritual_id=ritual_id,
            scheduled_at=moment,
            now=moment,
        )
        if occurrence is not None:
            await _answer(scope, occurrence, notifiers, people, progress, rng)
            await send_reminders(session=session, notifiers=notifiers, occurrence_id=occurrence.id)
            await close_occurrence(
                session=session,
                notifiers=notifiers,
                occurrence_id=occurrence.id,
                now=moment + answer_window(scope.ritual),
            )
        on_step()
    return len(planned)


async def _answer(
    scope: RitualScope,
    occurrence: Occurrence,
    notifiers: NotifierRegistry,
    people: list[Persona],
    progress: float,
    rng: random.Random,
) -> None:
    kind = scope.ritual.kind
    answering = [p for p in people if rng.random() < p.openness * (0.85 + 0.2 * progress)]
    thoughts = rng.sample(FEEDBACK, k=len(FEEDBACK))
    for index, persona in enumerate(answering):
        user = persona.person.user_id
        try:
            if kind == "checkin":
                mood = persona.mood(progress, rng)
                word = rng.choice(WORDS_BY_MOOD[mood]) if rng.random() < 0.7 else None
                await checkin.record(
                    scope=scope,
                    occurrence=occurrence,
                    notifiers=notifiers,
                    user_id=user,
                    mood=mood,
                    text=word,
                    display_name=persona.person.display_name,
                )
            elif kind == "safety_pulse":
                for item in pulse.asked_items(occurrence):
                    agreement = persona.agrees(progress, rng)
                    answer = 8 - agreement if item in (1, 3, 5) else agreement
                    pulse.record(
                        scope=scope, occurrence=occurrence, user_id=user, item=item, score=answer
                    )
            elif kind == "anonymous_feedback":
                feedback.record(
                    scope=scope,
                    occurrence=occurrence,
                    user_id=user,
                    text=thoughts[index % len(thoughts)],
                )
            elif rng.random() < 0.25 + 0.5 * progress:
                await _share_story(scope, occurrence, notifiers, user, rng)
        except InvalidAnswer:
            continue


async def _share_story(
    scope: RitualScope,
    occurrence: Occurrence,
    notifiers: NotifierRegistry,
    user: str,
    rng: random.Random,
) -> None:
    story = rng.choice(STORIES)
    if rng.random() < 0.3:
        await failure.share_anonymously(
            scope=scope, occurrence=occurrence, notifiers=notifiers, text=story
        )
        return
    ref = f"reply-{occurrence.id}-{user}"
    failure.record_story(
        scope=scope, occurrence=occurrence, user_id=user, message_ref=ref, text=story
    )
    failure.add_reactions(
        scope=scope, occurrence=occurrence, message_ref=ref, delta=rng.randint(1, 6)
    )


def demo_window(*, now: datetime, weeks: int) -> tuple[datetime, datetime]:
    """Return the start (Monday 00:00 UTC, `weeks` weeks back) and end (last Sunday) of the demo."""
    monday = (now - timedelta(days=now.weekday())).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    return monday - timedelta(weeks=weeks), monday - timedelta(seconds=1)
