"""Weekly team signals: participation, mood, sentiment, safety index, stories and anonymous items."""

from dataclasses import asdict, dataclass, field
from datetime import datetime
from statistics import mean

from sqlmodel import Session, select

from rituals.anonymity import withheld_reason
from rituals.clock import previous_weeks, utcnow
from rituals.pulse_items import EDMONDSON_ITEMS, item_mean, safety_index
from storage.models import Answer, Occurrence, Ritual, Team, TeamWeekSignal
from storage.occurrences import anonymous_answers, named_answers, occurrences_of_team_week, stories
from storage.teams import active_members

SAFETY_CYCLE_WEEKS = 4  # one pulse cycle asks all seven items over four weeks


@dataclass(frozen=True)
class WeekSignals:
    """A team's signals for one ISO week; a value of None is withheld or absent, with its reason."""

    team: str
    iso_week: str
    invited: int = 0
    respondents: int = 0
    participation_rate: float | None = None
    mean_mood: float | None = None
    mean_sentiment: float | None = None
    no_signal_texts: int = 0
    safety_index: float | None = None
    stories_shared: int = 0
    story_sentiment: float | None = None
    anonymous_items: int = 0
    withheld: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        """Return the signals as plain data for JSON."""
        return asdict(self)


def compute_week_signals(*, session: Session, team: Team, iso_week: str) -> WeekSignals:
    """Aggregate one team's week, withholding every value built from fewer than k people."""
    rows = occurrences_of_team_week(session=session, team_id=team.id, iso_week=iso_week)
    by_kind: dict[str, list[Occurrence]] = {}
    for occurrence, ritual in rows:
        by_kind.setdefault(ritual.kind, []).append(occurrence)
    ids = {kind: [o.id for o in found] for kind, found in by_kind.items()}
    withheld: dict[str, str] = {}
    k = team.threshold_numbers

    checkins = named_answers(session=session, occurrence_ids=ids.get("checkin", []))
    pulses = named_answers(session=session, occurrence_ids=ids.get("safety_pulse", []))
    feedback = anonymous_answers(
        session=session, occurrence_ids=ids.get("anonymous_feedback", []), kind="feedback"
    )
    named_stories = stories(session=session, occurrence_ids=ids.get("failure_celebration", []))
    anonymous_stories = anonymous_answers(
        session=session, occurrence_ids=ids.get("failure_celebration", []), kind="story"
    )

    asked = [
        o
        for kind in ("checkin", "safety_pulse", "anonymous_feedback")
        for o in by_kind.get(kind, [])
    ]
    invited = sum(o.invited_count for o in asked)
    answered = _respondents_per_occurrence(checkins, pulses) + len(feedback)
    team_size = len(active_members(session=session, team_id=team.id))
    participation = None
    if invited:
        reason = withheld_reason(people=team_size, threshold=k, what="participation")
        participation = round(min(answered / invited, 1.0), 3) if reason is None else None
        _note(withheld, "participation_rate", reason)

    moods = {a.member_id: [] for a in checkins}
    for answer in checkins:
        if answer.mood is not None:
            moods[answer.member_id].append(answer.mood)
    mean_mood = _mean_if_enough(
        withheld, "mean_mood", [mean(m) for m in moods.values() if m], k, "mood"
    )

    with_text = [a for a in checkins if a.text]
    signal = [a for a in with_text if a.sentiment is not None]
    sentiment_people = {a.member_id for a in signal}
    mean_sentiment = None
    if signal:
        reason = withheld_reason(people=len(sentiment_people), threshold=k, what="sentiment")
        mean_sentiment = round(mean(a.sentiment for a in signal), 3) if reason is None else None
        _note(withheld, "mean_sentiment", reason)

    story_scores = [
        s.sentiment for s in [*named_stories, *anonymous_stories] if s.sentiment is not None
    ]
    story_sentiment = _mean_if_enough(
        withheld, "story_sentiment", story_scores, k, "story sentiment"
    )

    index, index_reason = _safety_index(session=session, team=team, iso_week=iso_week)
    _note(withheld, "safety_index", index_reason)

    people = {a.member_id for a in [*checkins, *pulses]} | {s.member_id for s in named_stories}
    return WeekSignals(
        team=team.name,
        iso_week=iso_week,
        invited=invited,
        respondents=len(people),
        participation_rate=participation,
        mean_mood=mean_mood,
        mean_sentiment=mean_sentiment,
        no_signal_texts=len(with_text) - len(signal),
        safety_index=index,
        stories_shared=len(named_stories) + len(anonymous_stories),
        story_sentiment=story_sentiment,
        anonymous_items=sum(1 for a in feedback if a.released),
        withheld=withheld,
    )


def _respondents_per_occurrence(*answer_lists: list[Answer]) -> int:
    return len({(a.occurrence_id, a.member_id) for answers in answer_lists for a in answers})


def _note(withheld: dict[str, str], name: str, reason: str | None) -> None:
    if reason:
        withheld[name] = reason


def _mean_if_enough(
    withheld: dict[str, str], name: str, values: list[float], k: int, what: str
) -> float | None:
    if not values:
        return None
    reason = withheld_reason(people=len(values), threshold=k, what=what)
    _note(withheld, name, reason)
    return round(mean(values), 3) if reason is None else None


def _safety_index(
    *, session: Session, team: Team, iso_week: str
) -> tuple[float | None, str | None]:
    """Return the index from each item's latest answers within the cycle ending this week."""
    weeks = previous_weeks(iso_week, SAFETY_CYCLE_WEEKS)
    occurrences = session.exec(
        select(Occurrence)
        .join(Ritual, Ritual.id == Occurrence.ritual_id)
        .where(
            Ritual.team_id == team.id, Ritual.kind == "safety_pulse", Occurrence.iso_week.in_(weeks)
        )
        .order_by(Occurrence.scheduled_at.desc())
    ).all()
    if not occurrences:
        return None, None
    scores: dict[int, list[int]] = {}
    for occurrence in occurrences:
        for item in map(int, filter(None, occurrence.pulse_items.split(","))):
            if item in scores:
                continue  # the most recent asking of an item stands for the cycle
            scores[item] = [
                a.score
                for a in named_answers(session=session, occurrence_ids=[occurrence.id])
                if a.item == item and a.score is not None
            ]
    missing = sorted(set(EDMONDSON_ITEMS) - set(scores))
    if missing:
        return (
            None,
            f"cycle incomplete: item(s) {', '.join(map(str, missing))} not asked in {weeks[0]}..{weeks[-1]}",
        )
    for item, answers in sorted(scores.items()):
        reason = withheld_reason(
            people=len(answers), threshold=team.threshold_numbers, what=f"item {item}"
        )
        if reason:
            return None, reason
    return safety_index({item: item_mean(item, answers) for item, answers in scores.items()}), None


def refresh_week_signals(
    *, session: Session, team_id: int, iso_week: str, now: datetime | None = None
) -> WeekSignals:
    """Recompute and store a team's signals for one week."""
    team = session.get(Team, team_id)
    assert team is not None
    signals = compute_week_signals(session=session, team=team, iso_week=iso_week)
    row = session.exec(
        select(TeamWeekSignal).where(
            TeamWeekSignal.team_id == team_id, TeamWeekSignal.iso_week == iso_week
        )
    ).first() or TeamWeekSignal(team_id=team_id, iso_week=iso_week, computed_at=now or utcnow())
    for name in (
        "invited",
        "respondents",
        "participation_rate",
        "mean_mood",
        "mean_sentiment",
        "no_signal_texts",
        "safety_index",
        "stories_shared",
        "story_sentiment",
        "anonymous_items",
    ):
        setattr(row, name, getattr(signals, name))
    row.withheld = "\n".join(f"{name}: {reason}" for name, reason in signals.withheld.items())
    row.computed_at = now or utcnow()
    session.add(row)
    session.commit()
    return signals


def signals_for_weeks(
    *, session: Session, team: Team, last_week: str, weeks: int
) -> list[WeekSignals]:
    """Return the team's signals for the `weeks` ISO weeks ending with last_week, oldest first."""
    return [
        compute_week_signals(session=session, team=team, iso_week=week)
        for week in previous_weeks(last_week, weeks)
    ]
