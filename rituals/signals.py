"""Weekly team signals: a flat view, week by week, of the figures the digest computes.

Nothing here computes a figure: each value is the digest's figure for that week (one computation,
one set of anonymity rules), so `haven signals`, the demo table and the digest always agree.
"""

from dataclasses import asdict, dataclass, field

from sqlmodel import Session

from rituals.clock import previous_weeks
from rituals.digest import DigestDocument, iter_digests
from rituals.figures.model import Metric
from storage.models import Team


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
    no_signal_share: float | None = None
    safety_index: float | None = None
    stories_shared: int = 0
    anonymous_items: int = 0
    windows: dict[str, str] = field(default_factory=dict)  # figure → its weeks when pooled
    withheld: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        """Return the signals as plain data for JSON."""
        return asdict(self)


def week_signals(document: DigestDocument) -> WeekSignals:
    """Return the signals of the digest's week, from the digest's own figures."""
    values: dict[str, float | None] = {}
    windows: dict[str, str] = {}
    withheld: dict[str, str] = {}
    for name, metric in _figures(document).items():
        values[name] = metric.current.value
        if metric.current.shown and len(metric.current.weeks) > 1:
            windows[name] = metric.current.window
        if metric.current.withheld and _worth_saying(metric):
            withheld[name] = metric.current.withheld
    return WeekSignals(
        team=document.team,
        iso_week=document.iso_week,
        invited=document.invited,
        respondents=document.respondents,
        participation_rate=values["participation_rate"],
        mean_mood=values["mean_mood"],
        mean_sentiment=values["mean_sentiment"],
        no_signal_share=document.no_signal_share,
        safety_index=values["safety_index"],
        stories_shared=int(document.stories.current.value or 0),
        anonymous_items=int(document.anonymous_items.current.value or 0),
        windows=windows,
        withheld=withheld,
    )


def _figures(document: DigestDocument) -> dict[str, Metric]:
    return {
        "participation_rate": document.participation,
        "mean_mood": document.mood,
        "mean_sentiment": document.sentiment,
        "safety_index": document.safety,
    }


def _worth_saying(metric: Metric) -> bool:
    """Return whether a missing value has a reason beyond "nobody was asked"."""
    reason = metric.current.withheld or ""
    return not reason.startswith("no ")


def compute_week_signals(*, session: Session, team: Team, iso_week: str) -> WeekSignals:
    """Return one team's signals for one ISO week."""
    return signals_for_weeks(session=session, team=team, last_week=iso_week, weeks=1)[0]


def signals_for_weeks(
    *, session: Session, team: Team, last_week: str, weeks: int
) -> list[WeekSignals]:
    """Return the team's signals for the `weeks` ISO weeks ending with last_week, oldest first."""
    assert team.id is not None
    first = previous_weeks(last_week.upper(), weeks)[0]
    documents = iter_digests(
        session=session, first_week=first, last_week=last_week.upper(), team_ids=[team.id]
    )
    return [week_signals(document) for document in documents]
