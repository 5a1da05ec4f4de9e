"""Alerts of the digest: what changed enough to act on, over which weeks, and never who.

Every alert is computed from figures that are themselves shown (each from at least k people),
so an alert can say nothing about a group smaller than k.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from rituals.figures.model import Metric, TrendPoint
from storage.models_digest import DigestSettings

BASELINE_POINTS = 4  # a drop is measured against the mean of up to four earlier points


@dataclass(frozen=True, slots=True)
class AlertThresholds:
    """How big a drop or run must be to raise an alert; a team's DigestSettings overrides these."""

    participation_drop: float = 0.15
    mood_drop: float = 0.5
    safety_drop: float = 5.0
    low_mood_weeks: int = 3
    feedback_negative: float = -0.3

    @classmethod
    def of(cls, settings: DigestSettings | None) -> "AlertThresholds":
        """Return the team's thresholds, or the defaults when it has no settings."""
        if settings is None:
            return cls()
        return cls(
            participation_drop=settings.participation_drop,
            mood_drop=settings.mood_drop,
            safety_drop=settings.safety_drop,
            low_mood_weeks=settings.low_mood_weeks,
            feedback_negative=settings.feedback_negative,
        )


@dataclass(frozen=True, slots=True)
class Alert:
    """One thing the leader should look at: what was seen and over which weeks."""

    kind: str  # participation_falling | safety_dropping | mood_dropping | low_mood_run | negative_feedback
    title: str
    detail: str
    weeks: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ReleasedFeedback:
    """The anonymous feedback released to the leaders in one week, scored as a group."""

    iso_week: str
    released: int
    scored: int
    sentiment_sum: float
    strongly_negative: int


def detect_alerts(
    *,
    participation: Metric,
    mood: Metric,
    safety: Metric,
    low_mood_weeks: Sequence[tuple[str, int | None]],
    feedback: ReleasedFeedback | None,
    thresholds: AlertThresholds,
    k_numbers: int,
    k_texts: int,
) -> tuple[Alert, ...]:
    """Return the alerts of a digest week, most urgent first."""
    found = [
        _negative_feedback(feedback, thresholds, k_numbers, k_texts),
        _drop(
            safety,
            thresholds.safety_drop,
            kind="safety_dropping",
            title="Safety index dropping",
            show=_whole,
        ),
        _low_mood_run(low_mood_weeks, thresholds.low_mood_weeks, k_numbers),
        _drop(
            mood,
            thresholds.mood_drop,
            kind="mood_dropping",
            title="Mood dropping",
            show=_hundredths,
        ),
        _participation_falling(participation, thresholds.participation_drop),
    ]
    return tuple(alert for alert in found if alert is not None)


def _whole(value: float) -> str:
    return f"{value:.0f}"


def _hundredths(value: float) -> str:
    return f"{value:.2f}"


def _percent(value: float) -> str:
    return f"{value:.0%}"


def _points(value: float) -> str:
    return f"{value * 100:.0f} points"


def _current_and_before(metric: Metric) -> tuple[TrendPoint, tuple[TrendPoint, ...]] | None:
    """Return the week's own point and up to four shown points before it."""
    trend = metric.trend
    if metric.current.value is None or not trend or trend[-1].weeks != metric.current.weeks:
        return None
    return trend[-1], trend[-1 - BASELINE_POINTS : -1]


def _drop(
    metric: Metric,
    threshold: float,
    *,
    kind: str,
    title: str,
    show: Callable[[float], str],
    show_drop: Callable[[float], str] | None = None,
) -> Alert | None:
    found = _current_and_before(metric)
    if found is None or not found[1]:
        return None
    current, before = found
    baseline = sum([point.value for point in before]) / len(before)
    if baseline - current.value < threshold:
        return None
    first, last = before[0].weeks[0], before[-1].weeks[-1]
    return Alert(
        kind=kind,
        title=title,
        detail=(
            f"{metric.label} is {show(current.value)} in {_window(current)}, down "
            f"{(show_drop or show)(baseline - current.value)} from an average of "
            f"{show(baseline)} over "
            f"{first}..{last}."
        ),
        weeks=(*(w for point in before for w in point.weeks), *current.weeks),
    )


def _participation_falling(metric: Metric, threshold: float) -> Alert | None:
    alert = _drop(
        metric,
        threshold,
        kind="participation_falling",
        title="Participation falling",
        show=_percent,
        show_drop=_points,
    )
    if alert is not None:
        return Alert(
            alert.kind, alert.title, alert.detail + " Silence is a safety signal.", alert.weeks
        )
    found = _current_and_before(metric)
    if found is None or len(found[1]) < 3:
        return None
    points = [*found[1][-3:], found[0]]
    falling = all(b.value < a.value for a, b in pairwise(points))
    if not falling or points[0].value - points[-1].value < threshold / 2:
        return None
    return Alert(
        kind="participation_falling",
        title="Participation falling",
        detail=(
            f"Participation fell three weeks in a row, from {points[0].value:.0%} in "
            f"{_window(points[0])} to {points[-1].value:.0%} in {_window(points[-1])}. "
            "Silence is a safety signal."
        ),
        weeks=tuple(w for point in points for w in point.weeks),
    )


def _low_mood_run(
    weeks: Sequence[tuple[str, int | None]], run: int, k_numbers: int
) -> Alert | None:
    if run < 1 or len(weeks) < run:
        return None
    last = weeks[-run:]
    if any(low is None or low < k_numbers for _, low in last):
        return None
    # No exact counts: how many people were low is not a mean, and the audit that keeps means
    # from being subtracted does not cover it; "at least k" is all the alert needs to say.
    return Alert(
        kind="low_mood_run",
        title="Several low moods in a row",
        detail=(
            f"For {run} weeks in a row ({last[0][0]} to {last[-1][0]}) at least {k_numbers} "
            "people had a low week (mean mood 2 or lower)."
        ),
        weeks=tuple(week for week, _ in last),
    )


def _negative_feedback(
    feedback: ReleasedFeedback | None, thresholds: AlertThresholds, k_numbers: int, k_texts: int
) -> Alert | None:
    if feedback is None or feedback.released < k_texts or feedback.scored < k_numbers:
        return None
    sentiment = feedback.sentiment_sum / feedback.scored
    if sentiment > thresholds.feedback_negative:
        return None
    return Alert(
        kind="negative_feedback",
        title="Anonymous feedback reads strongly negative",
        detail=(
            f"The {feedback.released} anonymous answers released in {feedback.iso_week} score "
            f"{sentiment:+.2f} on average (−1..1); {feedback.strongly_negative} of them strongly "
            "negative. Read them again and reply to the team."
        ),
        weeks=(feedback.iso_week,),
    )


def _window(point: TrendPoint) -> str:
    weeks = point.weeks
    return weeks[0] if len(weeks) == 1 else f"{weeks[0]}..{weeks[-1]}"
