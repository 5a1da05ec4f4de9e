"""The digest's 8-week trend chart as a PNG (matplotlib, Agg), and its text fallback.

Only trend points of the document are drawn, and the document holds only figures from at
least k people; a pooled figure is drawn as a bar over the weeks it covers.
"""

import io
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")  # no display, no GUI toolkit: safe in a server process

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from bot.digest_format import CHARTED, SCALES, figure_text, trend_summary, value_text
from rituals.clock import previous_weeks
from rituals.digest import DigestDocument
from rituals.figures.model import Metric

TREND_WEEKS = 8
COLOUR = "#2f6f8f"
PERCENT = 100.0
PALETTE = 32


@dataclass(frozen=True)
class ChartPoint:
    """One drawn figure: its x (week index), y, the first week it covers and its value as text."""

    x: int
    y: float
    first_x: int
    label: str


@dataclass(frozen=True)
class Panel:
    """One small chart: a headline with the week's figure, and lines broken at missing weeks."""

    title: str
    runs: tuple[tuple[ChartPoint, ...], ...]  # points of consecutive weeks, joined by a line


def chart_panels(document: DigestDocument) -> list[Panel]:
    """Return what each of the four small charts draws: headline, points, labels, line breaks."""
    weeks = previous_weeks(document.iso_week, TREND_WEEKS)
    position = {week: n for n, week in enumerate(weeks)}
    panels = []
    for metric in (m for m in document.metrics if m.name in CHARTED):
        scale = PERCENT if metric.unit == "%" else 1.0
        runs: list[list[ChartPoint]] = []
        for point in metric.trend:
            x = position.get(point.last_week)
            if x is None:
                continue
            first = position.get(point.weeks[0], 0)
            drawn = ChartPoint(
                x=x, y=point.value * scale, first_x=first, label=value_text(metric, point.value)
            )
            if runs and runs[-1][-1].x + 1 >= first:  # no week missing in between
                runs[-1].append(drawn)
            else:
                runs.append([drawn])
        panels.append(
            Panel(
                title=f"{metric.label}: {figure_text(metric)}",
                runs=tuple(tuple(run) for run in runs),
            )
        )
    return panels


def render_chart(document: DigestDocument) -> bytes | None:
    """Return the trend chart as PNG bytes, or None when no figure has been shown yet."""
    metrics = [m for m in document.metrics if m.name in CHARTED]
    if not any(metric.trend for metric in metrics):
        return None
    weeks = previous_weeks(document.iso_week, TREND_WEEKS)
    figure = Figure(figsize=(8, 5), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.subplots(2, 2, sharex=True)
    for ax, metric, panel in zip(axes.flat, metrics, chart_panels(document), strict=True):
        _plot(ax, metric, panel, weeks)
    figure.suptitle(f"{document.team} — 8 weeks to {document.iso_week}", fontsize=11)
    figure.supxlabel(
        f"Only figures from at least {document.k_numbers} people are drawn; "
        "a bar marks a figure pooled over several weeks.",
        fontsize=7,
        color="#555555",
    )
    raw = io.BytesIO()
    figure.savefig(raw, format="png")
    raw.seek(0)
    small = io.BytesIO()  # 32 colours keep it under Teams' inline limit without visible loss
    Image.open(raw).convert("RGB").quantize(colors=PALETTE).save(small, format="PNG", optimize=True)
    return small.getvalue()


def _plot(ax, metric: Metric, panel: Panel, weeks: list[str]) -> None:  # type: ignore[no-untyped-def]
    scale = PERCENT if metric.unit == "%" else 1.0
    low, high = SCALES[metric.unit]
    for run in panel.runs:
        for point in run:
            if point.first_x != point.x and metric.name != "safety_index":  # a pooled figure
                ax.hlines(
                    point.y, point.first_x - 0.3, point.x + 0.3, colors=COLOUR, lw=4, alpha=0.35
                )
            ax.annotate(
                point.label,
                (point.x, point.y),
                textcoords="offset points",
                xytext=(0, 5),
                ha="center",
                fontsize=6,
                color="#333333",
            )
        ax.plot([p.x for p in run], [p.y for p in run], marker="o", color=COLOUR, linewidth=1.5)
    if not panel.runs:
        ax.text(
            0.5, 0.5, "not enough answers yet", ha="center", va="center", transform=ax.transAxes
        )
    ax.set_title(panel.title, fontsize=9)
    ax.set_ylim(low * scale, high * scale * 1.08)  # room for the label of a top value
    ax.set_xlim(-0.5, len(weeks) - 0.5)
    ax.set_xticks(range(len(weeks)), [week[5:] for week in weeks], fontsize=7)
    ax.tick_params(axis="y", labelsize=7)
    ax.grid(alpha=0.3)


def chart_alt_text(document: DigestDocument) -> str:
    """Return the chart as text: the alt text of the image, and the message when none is sent."""
    return trend_summary(document)
