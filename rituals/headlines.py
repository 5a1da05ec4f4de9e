"""Each team's headline figures of a final week, kept as published, for pages showing many teams.

A final week's figures never change (the audit keeps its decisions), so once a team's digest of
that week has been computed its headline is kept and read back instead of computed again. The
figures are the digest's own: a headline is cut from the digest document, never recomputed.
"""

import asyncio
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from rituals.clock import local_iso_week, utcnow
from rituals.digest import DigestDocument, iter_digests, last_complete_week
from rituals.figures.model import Change, Figure, Metric, TrendPoint
from rituals.jobs import installed_runtime
from storage.db import session_scope
from storage.figure_audits import (
    keep_published_week,
    published_weeks,
    team_timezones,
    teams_awaiting_headline,
)

HEADLINE = ("participation", "mood", "sentiment", "safety")


@dataclass(frozen=True, slots=True)
class Headline:
    """A team's headline figures of one week, each with its change and its 8-week trend."""

    team_id: int
    iso_week: str
    participation: Metric
    mood: Metric
    sentiment: Metric
    safety: Metric


def headline_of(document: DigestDocument) -> Headline:
    """Return the headline figures of a digest document."""
    return Headline(
        team_id=document.team_id,
        iso_week=document.iso_week,
        participation=document.participation,
        mood=document.mood,
        sentiment=document.sentiment,
        safety=document.safety,
    )


def latest_headlines(
    *,
    session: Session,
    team_ids: Sequence[int],
    iso_week: str,
    now: datetime | None = None,
    compute_at_most: int | None = None,
) -> dict[int, Headline]:
    """Return the week's headline of each team given: kept ones read, the others computed.

    A headline is kept only once its week is final, so a week still open is computed each time.
    With compute_at_most, teams beyond that many not kept yet are left out (for the caller to
    say they are on their way) instead of computed.
    """
    kept = published_weeks(session=session, team_ids=team_ids, iso_week=iso_week)
    headlines = {team_id: _decoded(team_id, iso_week, text) for team_id, text in kept.items()}
    missing = [team_id for team_id in team_ids if team_id not in kept][:compute_at_most]
    if missing:
        for document in iter_digests(
            session=session, first_week=iso_week, last_week=iso_week, team_ids=missing, now=now
        ):
            headline = headlines[document.team_id] = headline_of(document)
            if document.final:
                keep_published_week(
                    session=session,
                    team_id=document.team_id,
                    iso_week=iso_week,
                    figures=_encoded(headline),
                )
    return headlines


def _encoded(headline: Headline) -> str:
    return json.dumps({name: asdict(getattr(headline, name)) for name in HEADLINE})


def _decoded(team_id: int, iso_week: str, text: str) -> Headline:
    data = json.loads(text)
    metrics = {name: _metric(data[name]) for name in HEADLINE}
    return Headline(team_id=team_id, iso_week=iso_week, **metrics)


def _metric(data: dict[str, Any]) -> Metric:
    current = data["current"]
    return Metric(
        name=data["name"],
        label=data["label"],
        unit=data["unit"],
        current=Figure(current["value"], tuple(current["weeks"]), current["withheld"]),
        change=Change(**data["change"]),
        trend=tuple(TrendPoint(tuple(p["weeks"]), p["value"]) for p in data["trend"]),
    )


def keep_latest_headlines(*, engine: Engine, now: datetime | None = None, batch: int = 20) -> int:
    """Compute and keep the headline of each team's last closed week not kept yet; return how many.

    Teams with a round still open up to that week are left for a later pass. Each batch of teams
    is its own transaction, so writers elsewhere wait for one batch at most.
    """
    now = now or utcnow()
    kept = 0
    with session_scope(engine) as session:
        zones = team_timezones(session=session)
    for zone in zones:
        week = last_complete_week(local_iso_week(now, zone))
        with session_scope(engine) as session:
            waiting = teams_awaiting_headline(session=session, timezone=zone, iso_week=week)
        for start in range(0, len(waiting), batch):
            with session_scope(engine) as session:
                found = latest_headlines(
                    session=session, team_ids=waiting[start : start + batch], iso_week=week, now=now
                )
            kept += len(found)
    return kept


async def keep_headlines_job() -> int:
    """Scheduler job: keep the headlines of the weeks that became final, off the event loop."""
    runtime = installed_runtime()
    if runtime is None:
        return 0
    return await asyncio.to_thread(keep_latest_headlines, engine=runtime.engine)
