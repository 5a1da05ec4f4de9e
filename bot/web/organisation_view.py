"""The Organisation page for admins: every team's latest figures and the safety index over time."""

from collections import defaultdict
from dataclasses import dataclass
from statistics import fmean

from sqlmodel import Session

from bot.digest_format import value_text
from bot.web.charts import ChartWeek, trend_svg
from rituals.clock import local_iso_week, previous_weeks, utcnow
from rituals.digest import last_complete_week
from rituals.figures.model import Metric
from rituals.headlines import Headline, latest_headlines
from storage.models import Team

WEEKS = 8  # the digest's trend: the last closed week and the seven before it
# Teams whose headline is not kept yet that one page view computes; the background job keeps
# the others within its interval (rituals/scheduler.py HEADLINES_MINUTES).
COMPUTED_PER_VIEW = 25
PENDING = "being computed: the figures of this week appear within a quarter of an hour"
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
    pending: int  # teams whose figures of the week are still being computed


def _cell(metric: Metric) -> Cell:
    figure = metric.current
    if figure.value is None:
        return Cell(text="—", value=None, note=figure.withheld or "")
    return Cell(text=value_text(metric, figure.value), value=figure.value)


def _month_change(latest: Headline, month_ago: str) -> Cell:
    now = latest.safety.current
    then = next((p for p in latest.safety.trend if p.last_week == month_ago), None)
    if now.value is None or then is None:
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
    """Build the Organisation page from each team's digest of the last closed week.

    The chart and the change since last month come from the safety index's trend in those same
    documents: the figures the digest itself draws, so only weeks that passed k. Headlines of a
    final week are read as kept (rituals/headlines.py), so only teams not yet read are computed.
    """
    sort = sort if sort in SORTS else "team"
    zone = teams[0].timezone if teams else "UTC"
    last = last_complete_week(local_iso_week(utcnow(), zone))
    weeks = previous_weeks(last, WEEKS)
    rows = []
    shown_by_week: dict[str, list[float]] = defaultdict(list)
    names = {t.id: t.name for t in teams if t.id is not None}
    headlines = latest_headlines(
        session=session, team_ids=list(names), iso_week=last, compute_at_most=COMPUTED_PER_VIEW
    )
    pending = [team_id for team_id in names if team_id not in headlines]
    waiting = Cell(text="…", value=None, note=PENDING)
    rows.extend(TeamRow(team_id, names[team_id], *([waiting] * 5)) for team_id in pending)
    for team_id, latest in headlines.items():
        rows.append(
            TeamRow(
                team_id=team_id,
                team=names[team_id],
                participation=_cell(latest.participation),
                mood=_cell(latest.mood),
                sentiment=_cell(latest.sentiment),
                safety=_cell(latest.safety),
                safety_change=_month_change(latest, weeks[-5]),
            )
        )
        for point in latest.safety.trend:
            shown_by_week[point.last_week].append(point.value)
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
        week=last,
        rows=tuple(_sorted(rows, sort)),
        sort=sort,
        chart_svg=str(svg),
        chart_rows=chart,
        pending=len(pending),
    )
