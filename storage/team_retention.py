"""Each team's stored retention; a team without a row keeps the core's default."""

from sqlmodel import Session, select

from storage.models_privacy import TeamRetention


def stored_retention(*, session: Session, team_id: int) -> int | None:
    """Return the team's stored retention in days, or None when it keeps the default."""
    row = session.get(TeamRetention, team_id)
    return row.retention_days if row else None


def stored_retentions(*, session: Session) -> dict[int, int]:
    """Return every stored retention by team id."""
    return {row.team_id: row.retention_days for row in session.exec(select(TeamRetention))}


def store_retention(*, session: Session, team_id: int, days: int) -> None:
    """Store the team's retention in days."""
    row = session.get(TeamRetention, team_id) or TeamRetention(team_id=team_id, retention_days=days)
    row.retention_days = days
    session.add(row)
    session.flush()
