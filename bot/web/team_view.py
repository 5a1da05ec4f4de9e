"""The Team page's content, taken only from the digest's documents (the one computation)."""

from dataclasses import dataclass

from sqlmodel import Session

from bot.digest_format import CHARTED, SCALES, change_text, figure_text, value_text
from bot.web.charts import ChartWeek, HeatCell, heatmap_svg, trend_svg
from rituals.clock import local_iso_week, previous_weeks, utcnow
from rituals.digest import DigestDocument, iter_digests, last_complete_week
from rituals.figures.model import Metric
from rituals.next_step import FollowUp
from storage.dashboard import released_feedback
from storage.models import Team

SPANS = (8, 26, 52)
TICKS = {"%": "{:.0%}", "/5": "{:.0f}", "−1..1": "{:+.0f}", "/100": "{:.0f}"}


@dataclass(frozen=True, slots=True)
class Headline:
    """One headline figure of the last closed week: value, change, and why anything is missing."""

    label: str
    value: str
    change: str
    note: str


@dataclass(frozen=True, slots=True)
class TrendView:
    """One metric over the chosen weeks: its chart and the same numbers as table rows."""

    name: str
    label: str
    svg: str
    rows: tuple[ChartWeek, ...]


@dataclass(frozen=True, slots=True)
class HeatRow:
    """One Edmondson item across the cycles shown."""

    number: int
    statement: str
    reverse_scored: bool
    cells: tuple[HeatCell, ...]


@dataclass(frozen=True, slots=True)
class FeedbackItem:
    """A released anonymous answer; only its random key leaves the server."""

    key: str
    text: str
    can_reply: bool


@dataclass(frozen=True, slots=True)
class FeedbackBatchView:
    """One released batch: the question and its shuffled answers."""

    question: str
    released_week: str
    items: tuple[FeedbackItem, ...]


@dataclass(frozen=True, slots=True)
class TeamPage:
    """Everything the Team page shows."""

    team: Team
    weeks: int
    last: DigestDocument
    headlines: tuple[Headline, ...]
    trends: tuple[TrendView, ...]
    heat_svg: str
    heat_columns: tuple[str, ...]
    heat_rows: tuple[HeatRow, ...]
    feedback: tuple[FeedbackBatchView, ...]
    follow_ups: tuple[FollowUp, ...]  # "you said → we did", newest first


def closed_week(team: Team) -> str:
    """Return the team's last closed ISO week, in its own time zone."""
    return last_complete_week(local_iso_week(utcnow(), team.timezone))


def team_documents(*, session: Session, team: Team, weeks: int) -> list[DigestDocument]:
    """Return the team's digest of each of the last closed weeks, oldest first."""
    last = closed_week(team)
    first = previous_weeks(last, weeks)[0]
    assert team.id is not None
    return list(iter_digests(session=session, first_week=first, last_week=last, team_ids=[team.id]))


def headline(metric: Metric) -> Headline:
    """Return a metric's headline: its value, its change, and the reason for what is missing."""
    notes = []
    if metric.current.withheld:
        notes.append(metric.current.withheld)
    if metric.current.shown and metric.change.hidden:
        notes.append(f"change not shown: {metric.change.hidden}")
    return Headline(
        label=metric.label,
        value=figure_text(metric),
        change=change_text(metric, metric.change),
        note="; ".join(notes),
    )


def chart_weeks(documents: list[DigestDocument], name: str) -> tuple[ChartWeek, ...]:
    """Return one metric's figure in each week's document."""
    rows = []
    for document in documents:
        metric = next(m for m in document.metrics if m.name == name)
        figure = metric.current
        rows.append(
            ChartWeek(
                week=document.iso_week,
                value=figure.value,
                covers=figure.weeks,
                reason=figure.withheld or "",
                label=value_text(metric, figure.value) if figure.value is not None else "—",
                note=_no_signal(document) if name == "mean_sentiment" else "",
            )
        )
    return tuple(rows)


def _no_signal(document: DigestDocument) -> str:
    share = document.no_signal_share
    return "" if share is None else f"{share:.0%} of texts carried no signal"


def trend_view(documents: list[DigestDocument], metric: Metric) -> TrendView:
    """Return the chart and table of one metric."""
    rows = chart_weeks(documents, metric.name)
    low, high = SCALES[metric.unit]
    svg = trend_svg(
        chart_id=f"trend-{metric.name}",
        title=f"{metric.label}, {rows[0].week} to {rows[-1].week}",
        weeks=rows,
        low=low,
        high=high,
        tick=TICKS[metric.unit],
    )
    return TrendView(name=metric.name, label=metric.label, svg=str(svg), rows=rows)


def heat(documents: list[DigestDocument]) -> tuple[str, tuple[str, ...], tuple[HeatRow, ...]]:
    """Return the items × cycles heatmap, one column per four-week cycle ending at the last week."""
    cycles = documents[::-1][::4][::-1]
    columns = tuple(d.iso_week for d in cycles)
    rows = []
    for number in range(1, 8):
        items = [next(i for i in d.items if i.number == number) for d in cycles]
        rows.append(
            HeatRow(
                number=number,
                statement=items[-1].statement,
                reverse_scored=items[-1].reverse_scored,
                cells=tuple(HeatCell(score=i.score, reason=i.withheld or "") for i in items),
            )
        )
    svg = heatmap_svg(
        chart_id="heat",
        title="Edmondson items by four-week cycle, 1–7, higher is safer; (R) reverse-scored",
        rows=[f"{r.number}{' (R)' if r.reverse_scored else ''}" for r in rows],
        columns=columns,
        cells=[r.cells for r in rows],
    )
    return str(svg), columns, tuple(rows)


def feedback_batches(*, session: Session, team: Team) -> tuple[FeedbackBatchView, ...]:
    """Return the team's released anonymous feedback, batch by batch."""
    assert team.id is not None
    batches: dict[int, FeedbackBatchView] = {}
    for occurrence, ritual, answer in released_feedback(session=session, team_id=team.id):
        batch = batches.get(occurrence.id or 0) or FeedbackBatchView(
            question=ritual.question or "Anonymous feedback",
            released_week=occurrence.iso_week,
            items=(),
        )
        item = FeedbackItem(
            key=answer.key, text=answer.text, can_reply=answer.reply_seal is not None
        )
        batches[occurrence.id or 0] = FeedbackBatchView(
            question=batch.question, released_week=batch.released_week, items=(*batch.items, item)
        )
    return tuple(batches.values())


def team_page(*, session: Session, team: Team, weeks: int, with_feedback: bool) -> TeamPage:
    """Build the Team page for the last closed `weeks` weeks."""
    documents = team_documents(session=session, team=team, weeks=weeks)
    last = documents[-1]
    headlines = tuple(
        headline(m) for m in (last.participation, last.mood, last.sentiment, last.safety)
    )
    trends = tuple(trend_view(documents, m) for m in last.metrics if m.name in CHARTED)
    heat_svg, columns, heat_rows = heat(documents)
    return TeamPage(
        team=team,
        weeks=weeks,
        last=last,
        headlines=headlines,
        trends=trends,
        heat_svg=heat_svg,
        heat_columns=columns,
        heat_rows=heat_rows,
        feedback=feedback_batches(session=session, team=team) if with_feedback else (),
        follow_ups=tuple(d.follow_up for d in reversed(documents) if d.follow_up is not None),
    )
