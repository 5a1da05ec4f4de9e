"""Retention: raw texts and named answers older than the team's retention_days are deleted.

Weekly figures stay: they live in the rollups and the stored signals, which only a close of a
round rewrites, and only for its own week and the weeks next to it.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from rituals.privacy.policy import check_retention_days
from storage.models import Team
from storage.retention_rows import delete_rows_before
from storage.teams import list_teams


@dataclass(frozen=True)
class RetentionReport:
    """How many rows of each kind the retention pass deleted, over every team."""

    deleted: dict[str, int]

    def total(self) -> int:
        """Return how many rows were deleted."""
        return sum(self.deleted.values())


def set_retention(*, session: Session, team: Team, days: int) -> Team:
    """Set how many days the team's answers are kept."""
    team.retention_days = check_retention_days(days)
    session.add(team)
    session.commit()
    return team


def apply_retention(*, session: Session, now: datetime) -> RetentionReport:
    """Delete every team's answers, stories, anonymous texts and commitments past retention."""
    deleted: dict[str, int] = {}
    for team in list_teams(session=session):
        cutoff = now - timedelta(days=team.retention_days)
        for kind, count in delete_rows_before(
            session=session, team_id=team.id, cutoff=cutoff
        ).items():
            deleted[kind] = deleted.get(kind, 0) + count
    session.commit()
    return RetentionReport(deleted=deleted)
