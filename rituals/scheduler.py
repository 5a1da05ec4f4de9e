"""The APScheduler 3.x scheduler: a persistent job store in Haven's database, one job per ritual."""

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlmodel import Session

from rituals import jobs
from rituals.context import answer_window
from rituals.scheduling import cron_trigger
from storage.db import normalize_url
from storage.occurrences import active_rituals

SWEEP_JOB_ID = "haven:sweep"
SYNC_JOB_ID = "haven:sync"


def ritual_job_id(ritual_id: int) -> str:
    """Return the explicit job id of a ritual's opening job."""
    return f"ritual:{ritual_id}:open"


def build_scheduler(database_url: str | None) -> AsyncIOScheduler:
    """Create the scheduler with its job store in the same database, coalescing missed runs."""
    return AsyncIOScheduler(
        jobstores={"default": SQLAlchemyJobStore(url=normalize_url(database_url))},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600},
        timezone="UTC",
    )


def sync_jobs(*, scheduler: AsyncIOScheduler, session: Session) -> set[str]:
    """Make the scheduled jobs match the active rituals; return the ritual job ids now scheduled."""
    wanted: set[str] = set()
    for ritual, team in active_rituals(session=session):
        job_id = ritual_job_id(ritual.id)
        wanted.add(job_id)
        scheduler.add_job(
            jobs.open_ritual_job,
            trigger=cron_trigger(ritual.schedule, team.timezone),
            args=[ritual.id],
            id=job_id,
            name=f"{team.name}: {ritual.name}",
            replace_existing=True,
            misfire_grace_time=int(answer_window(ritual).total_seconds()),
        )
    for job in scheduler.get_jobs():
        if job.id.startswith("ritual:") and job.id not in wanted:
            job.remove()
    scheduler.add_job(
        jobs.sweep_job,
        trigger=IntervalTrigger(minutes=1, timezone="UTC"),
        id=SWEEP_JOB_ID,
        replace_existing=True,
    )
    return wanted
