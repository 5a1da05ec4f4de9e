"""The Organisation page for admins: every team's latest figures and the safety index over time."""

from collections import defaultdict
from dataclasses import dataclass
from statistics import fmean

from sqlmodel import Session

from bot.digest_format import value_text
from bot.web.charts import ChartWeek, trend_svg
from rituals.clock import local_iso_week, previous_weeks, utcnow
from rituals.digest import DigestDocument, iter_digests, last_complete_week
from rituals.digest_figures import Metric
from storage.models import Team

WEEKS = 9  # the last closed week, the four before it (a month ago) and a few more for the chart
SORTS = ("team", "participation", "mood", "sentiment", "safety", "safety_change")


@dataclass(frozen=True, slots=True)
class Cell:
    """A figure in the table: its text and the number it sorts by (None when withheld)."""

    text: str
    value: float | None
    note: str = ""


@dataclass(frozen=True, slots=True)
class TeamRow:
    """One team's latest figures and the change of its safety index since a month before."""

    team_id: int
    team: str
    participation: Cell
    mood: Cell
    sentiment: Cell
    safety: Cell
    safety_change: Cell


@dataclass(frozen=True, slots=True)
class OrganisationPage:
    """Everything the Organisation page shows."""

    week: str
    rows: tuple[TeamRow, ...]
    sort: str
    chart_svg: str
    chart_rows: tuple[tuple[ChartWeek, int], ...]


def _cell(metric: Metric) -> Cell:
    figure = metric.current
    if figure.value is None:
        return Cell(text="—", value=None, note=figure.withheld or "")
    return Cell(text=value_text(metric, figure.value), value=figure.value)


def _month_change(latest: DigestDocument, month_ago: DigestDocument | None) -> Cell:
    now, then = latest.safety.current, month_ago.safety.current if month_ago else None
    if now.value is None or then is None or then.value is None:
        return Cell(text="—", value=None, note="no safety index shown in one of the two weeks")
    if set(now.weeks) & set(then.weeks):
        return Cell(text="—", value=None, note="the two figures share pooled weeks")
    change = now.value - then.value
    return Cell(text=f"{change:+.0f}", value=change)


def _sorted(rows: list[TeamRow], sort: str) -> list[TeamRow]:
    if sort == "team":
        return sorted(rows, key=lambda r: r.team.casefold())
    # Withheld figures go last; among shown ones, lowest first so the teams to look at come first.
    return sorted(
        rows,
        key=lambda r: (getattr(r, sort).value is None, getattr(r, sort).value or 0.0, r.team),
    )


def organisation_page(*, session: Session, teams: list[Team], sort: str) -> OrganisationPage:
    """Build the Organisation page from each team's digests of the last weeks."""
    sort = sort if sort in SORTS else "team"
    zone = teams[0].timezone if teams else "UTC"
    last = last_complete_week(local_iso_week(utcnow(), zone))
    weeks = previous_weeks(last, WEEKS)
    by_team: dict[int, dict[str, DigestDocument]] = defaultdict(dict)
    if teams:
        team_ids = [t.id for t in teams if t.id is not None]
        for document in iter_digests(
            session=session, first_week=weeks[0], last_week=last, team_ids=team_ids
        ):
            by_team[document.team_id][document.iso_week] = document
    rows = []
    shown_by_week: dict[str, list[float]] = defaultdict(list)
    for team_id, documents in by_team.items():
        latest = documents[last]
        rows.append(
            TeamRow(
                team_id=team_id,
                team=latest.team,
                participation=_cell(latest.participation),
                mood=_cell(latest.mood),
                sentiment=_cell(latest.sentiment),
                safety=_cell(latest.safety),
                safety_change=_month_change(latest, documents.get(weeks[-5])),
            )
        )
        for week, document in documents.items():
            if document.safety.current.value is not None:
                shown_by_week[week].append(document.safety.current.value)
    chart = tuple(
        (
            ChartWeek(
                week=week,
                value=fmean(shown_by_week[week]) if shown_by_week[week] else None,
                reason="" if shown_by_week[week] else "no team showed a safety index",
                label=f"{fmean(shown_by_week[week]):.0f}/100" if shown_by_week[week] else "—",
            ),
            len(shown_by_week[week]),
        )
        for week in weeks
    )
    svg = trend_svg(
        chart_id="org-safety",
        title=f"Organisation safety index, {weeks[0]} to {last}, mean of teams that pass k",
        weeks=[c for c, _ in chart],
        low=0.0,
        high=100.0,
        tick="{:.0f}",
    )
    return OrganisationPage(
        week=last, rows=tuple(_sorted(rows, sort)), sort=sort, chart_svg=str(svg), chart_rows=chart
    )
