"""Read and keep the publication audit's records of a team, and the headlines it published."""

import json
from collections.abc import Sequence

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, select

from storage.models import Occurrence, Ritual, Team
from storage.models_figures import FigureAudit, PublishedWeek


def audit_records(*, session: Session, team_id: int) -> dict[str, FigureAudit]:
    """Return the team's audit records by measure."""
    rows = session.exec(select(FigureAudit).where(FigureAudit.team_id == team_id)).all()
    return {row.measure: row for row in rows}


def keep_audit_records(
    *,
    session: Session,
    team_id: int,
    records: list[FigureAudit],
    stored: dict[str, FigureAudit],
) -> None:
    """Store the team's newer audit records over those it has (as read by audit_records).

    All in one savepoint; when another process kept some of them first, record by record.
    """
    newer = [record for record in records if _newer(record, stored.get(record.measure))]
    if not newer:
        return
    try:
        with session.begin_nested():
            for record in newer:
                _keep(session, team_id, record, stored.get(record.measure))
    except IntegrityError:
        for record in newer:
            try:
                with session.begin_nested():
                    _keep(session, team_id, record, stored.get(record.measure))
            except IntegrityError:  # another process kept the same decisions first
                continue


def _newer(record: FigureAudit, row: FigureAudit | None) -> bool:
    """Return whether a record says more than the row kept for its measure."""
    return row is None or (row.through_week, row.decisions) != (
        record.through_week,
        record.decisions,
    )


def _keep(session: Session, team_id: int, record: FigureAudit, row: FigureAudit | None) -> None:
    """Write one record over its measure's row (a new row when there is none)."""
    if row is None:
        row = FigureAudit(team_id=team_id, measure=record.measure, through_week="")
    elif row.decisions and not _extends(record.decisions, row.decisions):
        forget_published_weeks(session=session, team_id=team_id)  # decided again: re-read
    row.through_week = record.through_week
    row.decisions = record.decisions
    row.equations = record.equations
    session.add(row)
    session.flush()


def _extends(new: str, old: str) -> bool:
    """Return whether new decisions keep every old one as it was (adding others is fine)."""
    kept = {json.dumps(entry) for entry in json.loads(new)}
    return all(json.dumps(entry) in kept for entry in json.loads(old))


def published_weeks(*, session: Session, team_ids: Sequence[int], iso_week: str) -> dict[int, str]:
    """Return the kept headline figures (JSON) of the week, by team, for the teams given."""
    rows = session.exec(
        select(PublishedWeek.team_id, PublishedWeek.figures).where(
            PublishedWeek.iso_week == iso_week, col(PublishedWeek.team_id).in_(team_ids)
        )
    ).all()
    return dict(rows)


def keep_published_week(*, session: Session, team_id: int, iso_week: str, figures: str) -> None:
    """Keep a team's headline figures of a final week, unless they are kept already."""
    try:
        with session.begin_nested():
            session.add(PublishedWeek(team_id=team_id, iso_week=iso_week, figures=figures))
    except IntegrityError:  # kept by another request first: the same final figures
        pass


def forget_published_weeks(*, session: Session, team_id: int) -> None:
    """Drop a team's kept headlines, for the next reading to compute them again."""
    session.exec(delete(PublishedWeek).where(col(PublishedWeek.team_id) == team_id))


def team_timezones(*, session: Session) -> list[str]:
    """Return every time zone some team lives in."""
    return list(session.exec(select(Team.timezone).distinct()).all())


def teams_awaiting_headline(*, session: Session, timezone: str, iso_week: str) -> list[int]:
    """Return the teams of a time zone with no kept headline of the week and no round open by then."""
    kept = select(PublishedWeek.team_id).where(PublishedWeek.iso_week == iso_week)
    still_open = (
        select(Ritual.team_id)
        .join(Occurrence, col(Occurrence.ritual_id) == Ritual.id)
        .where(Occurrence.status == "open", col(Occurrence.iso_week) <= iso_week)
    )
    return list(
        session.exec(
            select(Team.id)
            .where(Team.timezone == timezone)
            .where(col(Team.id).not_in(kept), col(Team.id).not_in(still_open))
            .order_by(col(Team.id))
        ).all()
    )
