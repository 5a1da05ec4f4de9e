"""Words and numbers of the digest, shared by every renderer so all platforms say the same."""

from rituals.clock import previous_weeks
from rituals.digest import DigestDocument
from rituals.figures.model import Change, Figure, ItemScore, Metric, TrendPoint

SPARKS = "▁▂▃▄▅▆▇█"
SCALES = {"%": (0.0, 1.0), "/5": (1.0, 5.0), "−1..1": (-1.0, 1.0), "/100": (0.0, 100.0)}
CHARTED = ("participation_rate", "mean_mood", "mean_sentiment", "safety_index")


def value_text(metric: Metric, value: float) -> str:
    """Return a value in the metric's unit: 94%, 3.86/5, +0.53, 67/100, 3."""
    if metric.unit == "%":
        return f"{value:.0%}"
    if metric.unit == "/5":
        return f"{value:.2f}/5"
    if metric.unit == "−1..1":
        return f"{value:+.2f}"
    if metric.unit == "/100":
        return f"{value:.0f}/100"
    return f"{value:.0f}"


def change_text(metric: Metric, change: Change) -> str:
    """Return the change from last week in the metric's unit, or an empty string."""
    if change.value is None:
        return ""
    if metric.unit == "%":
        return f"{change.value * 100:+.0f} pts"
    if metric.unit in ("/5", "−1..1"):
        return f"{change.value:+.2f}"
    return f"{change.value:+.0f}"


def figure_text(metric: Metric) -> str:
    """Return the week's value with the weeks it covers when pooled, or '—' when withheld."""
    figure: Figure = metric.current
    if figure.value is None:
        return "—"
    text = value_text(metric, figure.value)
    if len(figure.weeks) > 1 and metric.name != "safety_index":
        text += f" (pooled {figure.window})"
    return text


def metric_line(metric: Metric) -> str:
    """Return one line: the value and its change from last week (reasons go in the notes)."""
    parts = [f"{metric.label}: {figure_text(metric)}"]
    change = change_text(metric, metric.change)
    if change and (metric.unit or metric.change.value):
        parts.append(f"{change} vs last week")
    if metric.current.value is None and metric.current.withheld:
        parts.append("withheld" if "withheld" in metric.current.withheld else "no figure")
    return " · ".join(parts)


NO_FIGURE = "·"
TREND_WEEKS = 8


def sparkline(metric: Metric, *, iso_week: str) -> str:
    """Return the 8 weeks to iso_week as block characters between week labels, e.g.

    'W41 ▃▄·▅▄▅▅▆ W48': one character a week, · for a week with no figure shown, a pooled
    figure repeated over the weeks it covers. Empty when no figure was shown.
    """
    if not metric.trend:
        return ""
    weeks = previous_weeks(iso_week, TREND_WEEKS)
    values = {week: point.value for point in metric.trend for week in point.weeks}
    low, high = SCALES.get(metric.unit, (0.0, max(values.values()) or 1.0))
    steps = len(SPARKS) - 1
    marks = "".join(
        SPARKS[round((min(max(values[week], low), high) - low) / ((high - low) or 1.0) * steps)]
        if week in values
        else NO_FIGURE
        for week in weeks
    )
    return f"{weeks[0][5:]} {marks} {weeks[-1][5:]}"


def no_signal_text(document: DigestDocument) -> str | None:
    """Return how many check-in words the sentiment figure leaves out, or None when unknown."""
    if document.no_signal_share is None:
        return None
    return (
        f"Sentiment leaves out {document.no_signal_share:.0%} of check-in words: "
        "they carried no sentiment signal."
    )


def item_text(item: ItemScore) -> str:
    """Return one safety item: its score on 1–7 (higher is safer) or why it is withheld."""
    mark = " (reverse-scored)" if item.reverse_scored else ""
    score = f"{item.score:.1f}/7" if item.score is not None else "—"
    return f"{item.number}. {item.statement}{mark} {score}"


def stories_text(document: DigestDocument) -> str:
    """Return the failure stories line, with whether a leader shared one."""
    count = int(document.stories.current.value or 0)
    leader = "a leader shared one" if document.leader_shared else "no leader shared one"
    return f"{count} failure {'story' if count == 1 else 'stories'} shared; {leader}"


def withheld_notes(document: DigestDocument) -> list[str]:
    """Return why each withheld number or hidden change is not shown."""
    notes = []
    for metric in document.metrics:
        if metric.current.withheld:
            notes.append(f"{metric.label}: {metric.current.withheld}")
        if metric.current.shown and metric.change.hidden:
            notes.append(f"{metric.label}, change from last week: {metric.change.hidden}")
    if document.safety.current.value is not None:
        return notes
    notes.extend(
        f"Item {item.number}: {item.withheld}"
        for item in document.items
        if item.withheld and item.withheld not in (document.safety.current.withheld or "")
    )
    return notes


def trend_summary(document: DigestDocument) -> str:
    """Return the trend chart as text, for screen readers and when no image can be sent."""
    lines = [
        f"Trend of {document.team}, 8 weeks to {document.iso_week} (only figures from ≥ k people):"
    ]
    for metric in document.metrics:
        if metric.name not in CHARTED:
            continue
        points = ", ".join(f"{_point_label(p)} {value_text(metric, p.value)}" for p in metric.trend)
        lines.append(f"{metric.label}: {points or 'no figure shown yet'}")
    return "\n".join(lines)


def _point_label(point: TrendPoint) -> str:
    first, last = point.weeks[0], point.weeks[-1]
    return last[5:] if first == last else f"{first[5:]}–{last[5:]}"
