"""Terminal tables of weekly signals."""

from rich.table import Table

from rituals.signals import WeekSignals

CAPTION = "Mood 1–5 · sentiment −1..1 · safety index 0–100 · — = withheld or no data"


def _number(value: float | None, fmt: str) -> str:
    return "—" if value is None else format(value, fmt)


def signals_table(title: str, weeks: list[WeekSignals]) -> Table:
    """Return a table with one row per ISO week; withheld values show as — with a footnote."""
    table = Table(title=title, title_justify="left", caption=CAPTION, caption_justify="left")
    for column in ("Week", "Answered", "Mood", "Sentiment", "Safety", "Stories", "Anon."):
        table.add_column(column, justify="left" if column == "Week" else "right")
    for week in weeks:
        table.add_row(
            week.iso_week,
            _number(week.participation_rate, ".0%"),
            _number(week.mean_mood, ".2f"),
            _number(week.mean_sentiment, "+.2f"),
            _number(week.safety_index, ".0f"),
            str(week.stories_shared),
            str(week.anonymous_items),
        )
    return table


def withheld_notes(weeks: list[WeekSignals]) -> list[str]:
    """Return one line per withheld value, saying why."""
    return [
        f"{week.iso_week} {name}: {reason}"
        for week in weeks
        for name, reason in week.withheld.items()
    ]
