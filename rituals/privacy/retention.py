"""Retention: raw texts and named answers older than the team's retention are deleted.

Weekly figures stay: they live in the rollups and the stored signals, which only a close of a
round rewrites, and only for its own week and the weeks next to it.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from rituals.privacy.policy import DEFAULT_RETENTION_DAYS, check_retention_days
from storage.person_rows import teams_of_person
from storage.retention_rows import delete_rows_before
from storage.team_retention import store_retention, stored_retention, stored_retentions
from storage.teams import list_teams


@dataclass(frozen=True)
class RetentionReport:
    """How many rows of each kind the retention pass deleted, over every team."""

    deleted: dict[str, int]

    def total(self) -> int:
        """Return how many rows were deleted."""
        return sum(self.deleted.values())


def retention_of(*, session: Session, team_id: int) -> int:
    """Return how many days the team keeps answers and texts."""
    return stored_retention(session=session, team_id=team_id) or DEFAULT_RETENTION_DAYS


def retention_of_person(*, session: Session, user_id: str) -> int:
    """Return the shortest retention of the person's teams (the default when they are in none)."""
    teams = teams_of_person(session=session, user_id=user_id)
    return min(
        (retention_of(session=session, team_id=t) for t in teams), default=DEFAULT_RETENTION_DAYS
    )


def set_retention(*, session: Session, team_id: int, days: int) -> int:
    """Set how many days the team keeps answers and texts; return it."""
    store_retention(session=session, team_id=team_id, days=check_retention_days(days))
    session.commit()
    return days


def apply_retention(*, session: Session, now: datetime) -> RetentionReport:
    """Delete every team's answers, stories, anonymous texts and commitments past retention."""
    stored = stored_retentions(session=session)
    deleted: dict[str, int] = {}
    for team in list_teams(session=session):
        assert team.id is not None
        cutoff = now - timedelta(days=stored.get(team.id, DEFAULT_RETENTION_DAYS))
        for kind, count in delete_rows_before(
            session=session, team_id=team.id, cutoff=cutoff
        ).items():
            deleted[kind] = deleted.get(kind, 0) + count
    session.commit()
    return RetentionReport(deleted=deleted)
