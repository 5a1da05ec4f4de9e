"""Read and keep the publication audit's records of a team."""

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from storage.models_figures import FigureAudit


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
    """Store the team's newer audit records over those it has (as read by audit_records)."""
    for record in records:
        row = stored.get(record.measure)
        if row is None:
            row = FigureAudit(team_id=team_id, measure=record.measure, through_week="")
        if row.through_week == record.through_week and row.decisions == record.decisions:
            continue
        row.through_week = record.through_week
        row.decisions = record.decisions
        row.equations = record.equations
        try:
            with session.begin_nested():
                session.add(row)
        except IntegrityError:  # another process kept the same decisions first
            continue
