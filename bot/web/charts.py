"""SVG charts drawn on the server: weekly trends with pooled spans and withheld gaps, a heatmap."""

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

WIDTH, HEIGHT = 640, 180
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 12, 26


@dataclass(frozen=True, slots=True)
class ChartWeek:
    """One week of a trend: a value (maybe covering several pooled weeks), or why it is missing."""

    week: str
    value: float | None
    covers: tuple[str, ...] = ()
    reason: str = ""
    label: str = ""  # the value as text, for tooltips
    note: str = ""  # what else the week's table row says (sentiment: the no-signal share)


@dataclass(frozen=True, slots=True)
class HeatCell:
    """One Edmondson item in one cycle: a 1–7 score or why it is withheld."""

    score: float | None
    reason: str = ""


def _x(index: int, count: int) -> float:
    span = WIDTH - LEFT - RIGHT
    return LEFT + (span * index / (count - 1) if count > 1 else span / 2)


def _y(value: float, low: float, high: float) -> float:
    clamped = min(max(value, low), high)
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - (clamped - low) / ((high - low) or 1.0))


def trend_svg(
    *, chart_id: str, title: str, weeks: Sequence[ChartWeek], low: float, high: float, tick: str
) -> Markup:
    """Return a line chart: shown weeks joined, pooled windows as spans, withheld weeks as gaps."""
    count = len(weeks)
    index = {w.week: i for i, w in enumerate(weeks)}
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{chart_id}-t" focusable="false" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-t">{escape(title)} (numbers in the table below)</title>',
        f'<line class="axis" x1="{LEFT}" y1="{HEIGHT - BOTTOM}" x2="{WIDTH - RIGHT}" '
        f'y2="{HEIGHT - BOTTOM}"/>',
    ]
    column = (WIDTH - LEFT - RIGHT) / max(count - 1, 1)
    run: list[str] = []
    drawn: set[tuple[str, ...]] = set()
    for i, week in enumerate(weeks):
        x = _x(i, count)
        if week.value is None:
            if len(run) > 1:
                parts.append(f'<polyline class="line" points="{" ".join(run)}"/>')
            run = []
            parts.append(
                f'<rect class="gap" x="{x - column / 2:.1f}" y="{TOP}" width="{column:.1f}" '
                f'height="{HEIGHT - TOP - BOTTOM}"><title>{escape(week.week)}: '
                f"{escape(week.reason or 'no figure')}</title></rect>"
            )
            continue
        y = _y(week.value, low, high)
        if len(week.covers) > 1:
            if week.covers not in drawn:
                drawn.add(week.covers)
                first = index.get(week.covers[0], 0)
                x1 = _x(first, count)
                parts.append(
                    f'<line class="span" x1="{x1:.1f}" y1="{y:.1f}" x2="{x:.1f}" y2="{y:.1f}">'
                    f"<title>{escape(week.label)} pooled {escape(week.covers[0])}–"
                    f"{escape(week.covers[-1])}</title></line>"
                )
            if len(run) > 1:
                parts.append(f'<polyline class="line" points="{" ".join(run)}"/>')
            run = []
            continue
        run.append(f"{x:.1f},{y:.1f}")
        parts.append(
            f'<circle class="dot" cx="{x:.1f}" cy="{y:.1f}" r="3">'
            f"<title>{escape(week.week)}: {escape(week.label)}</title></circle>"
        )
    if len(run) > 1:
        parts.append(f'<polyline class="line" points="{" ".join(run)}"/>')
    for value, text in ((low, tick.format(low)), (high, tick.format(high))):
        parts.append(
            f'<text class="tick" x="{LEFT - 4}" y="{_y(value, low, high) + 4:.1f}" '
            f'text-anchor="end">{escape(text)}</text>'
        )
    for i in (0, count - 1) if count > 1 else (0,):
        parts.append(
            f'<text class="tick" x="{_x(i, count):.1f}" y="{HEIGHT - 8}" '
            f'text-anchor="{"start" if i == 0 and count > 1 else "end"}">'
            f"{escape(weeks[i].week)}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def heatmap_svg(
    *,
    chart_id: str,
    title: str,
    rows: Sequence[str],
    columns: Sequence[str],
    cells: Sequence[Sequence[HeatCell]],
) -> Markup:
    """Return an items × cycles heatmap of 1–7 scores; withheld cells are hatched with the reason."""
    cell_w = max(18.0, (WIDTH - 60) / max(len(columns), 1))
    cell_h = 22
    height = cell_h * len(rows) + 24
    parts = [
        f'<svg class="chart heat" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{chart_id}-t" focusable="false" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-t">{escape(title)} (numbers in the table below)</title>',
        '<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#eee"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#999" stroke-width="2"/></pattern></defs>',
    ]
    for r, row in enumerate(rows):
        y = r * cell_h
        parts.append(
            f'<text class="tick" x="54" y="{y + 15}" text-anchor="end">{escape(row)}</text>'
        )
        for c, cell in enumerate(cells[r]):
            x = 60 + c * cell_w
            if cell.score is None:
                fill, tip = "url(#hatch)", f"{row}, {columns[c]}: {cell.reason or 'no figure'}"
            else:
                share = (cell.score - 1) / 6
                fill = f"hsl({round(share * 120)}, 55%, {round(78 - share * 18)}%)"
                tip = f"{row}, {columns[c]}: {cell.score:.1f}/7"
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{cell_w - 2:.1f}" height="{cell_h - 2}" '
                f'fill="{fill}"><title>{escape(tip)}</title></rect>'
            )
    if columns:
        parts.append(
            f'<text class="tick" x="60" y="{height - 6}">{escape(columns[0])}</text>'
            f'<text class="tick" x="{WIDTH - 4}" y="{height - 6}" text-anchor="end">'
            f"{escape(columns[-1])}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))
