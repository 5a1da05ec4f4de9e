"""Terminal tables of weekly signals."""

from rich.table import Table

from bot.digest_format import value_text
from rituals.digest import DigestDocument
from rituals.signals import WeekSignals

CAPTION = (
    "Mood 1–5 · sentiment −1..1 · safety index 0–100 · — = withheld or no data · "
    "pooled = shown in the digest over several weeks (see below)"
)
POOLABLE = ("participation_rate", "mean_mood", "mean_sentiment")


def _number(value: float | None, fmt: str) -> str:
    return "—" if value is None else format(value, fmt)


def pooled_figures(document: DigestDocument | None) -> dict[tuple[str, str], str]:
    """Return {(week, metric name): 'W42–W43 +0.33'} for the digest's figures pooled over weeks."""
    if document is None:
        return {}
    pooled = {}
    for metric in document.metrics:
        if metric.name not in POOLABLE:
            continue
        for point in metric.trend:
            if len(point.weeks) > 1:
                shown = f"{point.weeks[0]}–{point.weeks[-1]} {value_text(metric, point.value)}"
                pooled.update({(week, metric.name): shown for week in point.weeks})
    return pooled


def signals_table(
    title: str, weeks: list[WeekSignals], *, digest: DigestDocument | None = None
) -> Table:
    """Return a table with one row per ISO week; withheld values show as — or as pooled."""
    pooled = pooled_figures(digest)
    table = Table(title=title, title_justify="left", caption=CAPTION, caption_justify="left")
    for column in ("Week", "Answered", "Mood", "Sentiment", "Safety", "Stories", "Anon."):
        table.add_column(column, justify="left" if column == "Week" else "right")
    for week in weeks:

        def cell(name: str, value: float | None, fmt: str, week: str = week.iso_week) -> str:
            return "pooled" if value is None and (week, name) in pooled else _number(value, fmt)

        table.add_row(
            week.iso_week,
            cell("participation_rate", week.participation_rate, ".0%"),
            cell("mean_mood", week.mean_mood, ".2f"),
            cell("mean_sentiment", week.mean_sentiment, "+.2f"),
            _number(week.safety_index, ".0f"),
            str(week.stories_shared),
            str(week.anonymous_items),
        )
    return table


def withheld_notes(weeks: list[WeekSignals], *, digest: DigestDocument | None = None) -> list[str]:
    """Return one line per withheld value, saying why, and where the digest pools it."""
    pooled = pooled_figures(digest)
    notes = []
    for week in weeks:
        for name, reason in week.withheld.items():
            shown = pooled.get((week.iso_week, name))
            where = f"; the digest pools it: {shown}" if shown else ""
            notes.append(f"{week.iso_week} {name}: {reason}{where}")
    return notes
