"""What the scheduler reads about rituals: narrow rows, and only the rows that may need it now."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Row, String, cast, column, exists, literal, or_, table
from sqlmodel import Session, select

from storage.models import Occurrence, Ritual, Team


def ritual_schedules(*, session: Session) -> Sequence[Row]:  # type: ignore[type-arg]
    """Return, for every ritual that is not paused, what its job is made of (no whole rows)."""
    return session.exec(
        select(
            Ritual.id,
            Ritual.name,
            Ritual.kind,
            Ritual.schedule,
            Ritual.window_minutes,
            Team.id.label("team_id"),
            Team.name.label("team_name"),
            Team.timezone,
            Team.working_days,
        )
        .join(Team, Team.id == Ritual.team_id)
        .where(Ritual.paused == False)  # noqa: E712
        .order_by(Ritual.id)
    ).all()


def rituals_without_job(
    *, session: Session, jobs_table: str, job_prefix: str, job_suffix: str
) -> Sequence[int]:
    """Return the ids of active rituals that have no stored job `<prefix><id><suffix>` yet."""
    jobs = table(jobs_table, column("id", String))
    job_id = literal(job_prefix) + cast(Ritual.id, String) + literal(job_suffix)
    return session.exec(
        select(Ritual.id)
        .where(Ritual.paused == False)  # noqa: E712
        .where(~exists().where(jobs.c.id == job_id))
        .order_by(Ritual.id)
    ).all()


def occurrences_to_follow_up(*, session: Session, now: datetime) -> Sequence[Row]:  # type: ignore[type-arg]
    """Return (id, scheduled_at, closes_at, reminded) of open rounds due to close or not yet reminded."""
    return session.exec(
        select(Occurrence.id, Occurrence.scheduled_at, Occurrence.closes_at, Occurrence.reminded)
        .where(Occurrence.status == "open")
        .where(or_(Occurrence.closes_at <= now, Occurrence.reminded == False))  # noqa: E712
        .order_by(Occurrence.id)
    ).all()
