"""The weekly safety digest: a platform-neutral document for one team and one ISO week.

Every number in it comes from at least k people (k from the team's settings, never below 3);
small teams have their weeks pooled and each figure says which weeks it covers; a change from
last week is hidden when the people behind the two weeks differ by fewer than k. Adapters only
render the document (console text, JSON, Block Kit, Adaptive Card, a PNG chart).
"""

from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlmodel import Session

from rituals.alerts import Alert, ReleasedFeedback, detect_alerts
from rituals.clock import parse_iso_week, previous_weeks
from rituals.errors import NotFound
from rituals.figures.model import ItemScore, Metric
from rituals.figures.pooling import weeks_spanned
from rituals.figures.series import TeamSeries, load_history, weeks_read
from rituals.next_step import FollowUp, NextStep, choose_next_step, follow_up
from storage.aggregates import iter_team_aggregates
from storage.figure_audits import keep_audit_records
from storage.models import Team

# (name, label, unit) of each number, in the order the digest shows them.
METRICS = (
    ("participation_rate", "Participation", "%"),
    ("mean_mood", "Mood", "/5"),
    ("mean_sentiment", "Sentiment", "−1..1"),
    ("safety_index", "Safety index", "/100"),
    ("stories", "Failure stories shared", ""),
    ("anonymous_items", "Anonymous feedback released", ""),
)


@dataclass(frozen=True, slots=True)
class DigestDocument:
    """One team's weekly safety digest, built only from groups of at least k people."""

    team_id: int
    team: str
    iso_week: str
    final: bool  # the week has ended and its rounds have closed: every figure is decided
    k_numbers: int
    k_texts: int
    invited: int  # invitations of the week, counted live (not a figure of anyone's answers)
    respondents: int  # people who answered a check-in or pulse of the week, counted live
    participation: Metric
    mood: Metric
    sentiment: Metric
    no_signal_share: float | None  # share of check-in texts that carried no sentiment
    safety: Metric
    items: tuple[ItemScore, ...]
    stories: Metric
    leader_shared: bool
    anonymous_items: Metric
    alerts: tuple[Alert, ...]
    next_step: NextStep
    follow_up: FollowUp | None

    @property
    def metrics(self) -> tuple[Metric, ...]:
        """Return every number of the digest, in display order."""
        return (
            self.participation,
            self.mood,
            self.sentiment,
            self.safety,
            self.stories,
            self.anonymous_items,
        )

    @property
    def commit_value(self) -> str:
        """Return the id adapters attach to the "what I'll do this week" answer."""
        return f"{self.team_id}:{self.iso_week}"

    def as_dict(self) -> dict[str, object]:
        """Return the document as plain data for JSON."""
        return asdict(self)


def last_complete_week(today_iso_week: str) -> str:
    """Return the week before the given one: the digest describes the week that just ended."""
    return previous_weeks(today_iso_week, 2)[0]


def iter_digests(
    *,
    session: Session,
    first_week: str,
    last_week: str,
    team_ids: Sequence[int] | None = None,
    now: datetime | None = None,
) -> Iterator[DigestDocument]:
    """Yield the digest of every team (or those given) for each week first..last, team by team.

    Figures come only from weeks that are final as of now (the present unless given).
    """
    parse_iso_week(first_week)
    parse_iso_week(last_week)
    weeks = weeks_read(first_week=first_week, last_week=last_week)
    wanted = previous_weeks(last_week, weeks_spanned(first_week, last_week))
    for aggregates in iter_team_aggregates(session=session, weeks=weeks, team_ids=team_ids):
        history = load_history(
            session=session, aggregates=aggregates, last_week=last_week, first_read=weeks[0]
        )
        series = TeamSeries(aggregates=aggregates, weeks=weeks, history=history, now=now)
        documents = [document_of(series, week) for week in wanted]
        records = series.audit_records
        if records:  # decided and shown once: the next digest continues from here
            keep_audit_records(
                session=session, team_id=aggregates.team.id, records=records, stored=history.audits
            )
        yield from documents


def build_digest(
    *, session: Session, team_id: int, iso_week: str, now: datetime | None = None
) -> DigestDocument:
    """Return one team's digest for one ISO week."""
    if session.get(Team, team_id) is None:
        raise NotFound(f"no team with id {team_id}")
    week = iso_week.upper()
    return next(
        iter_digests(session=session, first_week=week, last_week=week, team_ids=[team_id], now=now)
    )


def document_of(series: TeamSeries, week: str) -> DigestDocument:
    """Assemble the digest of one week from a team's series."""
    aggregates = series.aggregates
    participation, mood, sentiment, safety, stories, anonymous_items = (
        series.metric(name=name, label=label, unit=unit, week=week) for name, label, unit in METRICS
    )
    sharing = aggregates.sharing.get(week)
    feedback = (
        ReleasedFeedback(
            iso_week=week,
            released=sharing.feedback_released,
            scored=sharing.released_scored,
            sentiment_sum=sharing.released_sentiment_sum,
            strongly_negative=sharing.released_strongly_negative,
        )
        if sharing
        else None
    )
    alerts = detect_alerts(
        participation=participation,
        mood=mood,
        safety=safety,
        low_mood_weeks=series.low_mood_weeks(week),
        feedback=feedback,
        thresholds=series.thresholds,
        k_numbers=series.k,
        k_texts=series.k_texts,
    )
    items = series.items_at(week)
    leader_shared = bool(sharing and sharing.leader_shared)
    headline = [participation, mood, sentiment, safety]
    last_week = series.week_before(week)
    team = aggregates.team
    assert team.id is not None
    return DigestDocument(
        team_id=team.id,
        team=team.name,
        iso_week=week,
        final=series.final(week),
        k_numbers=series.k,
        k_texts=series.k_texts,
        invited=rituals.invited if (rituals := aggregates.rituals.get(week)) else 0,
        respondents=series.answers(week).respondents,
        participation=participation,
        mood=mood,
        sentiment=sentiment,
        no_signal_share=series.no_signal_share(week),
        safety=safety,
        items=items,
        stories=stories,
        leader_shared=leader_shared,
        anonymous_items=anonymous_items,
        alerts=alerts,
        next_step=choose_next_step(
            alerts=alerts,
            metrics=headline,
            items=items,
            leader_shared=leader_shared,
            stories_ritual_ran=_failure_thread_ran(series, week),
        ),
        follow_up=follow_up(
            said=aggregates.commitments.get(last_week, []), iso_week=last_week, metrics=headline
        ),
    )


def _failure_thread_ran(series: TeamSeries, week: str) -> bool:
    rituals = series.aggregates.rituals.get(week)
    return bool(rituals and rituals.failure_thread)
