"""The APScheduler 3.x scheduler: a persistent job store in Haven's database, one job per ritual.

A restart neither drops nor repeats an occurrence:

- each ritual job is (re)added with `next_run_time` set to the first fire time inside the
  ritual's answer window, so an opening missed while the process was down still runs when the
  new process starts (within `misfire_grace_time` = the answer window, once thanks to
  `coalesce`), even though `replace_existing=True` overwrites the stored job;
- `open_ritual_job` opens only the latest occurrence whose window is still open, and the unique
  (ritual, scheduled time) key refuses a second one, so running the job again sends nothing;
- the one-minute sweep catches up whatever the cron jobs cannot see (fire times moved to the
  next working day, rituals added by another process).
"""

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from weakref import WeakKeyDictionary

from apscheduler.events import EVENT_SCHEDULER_START, SchedulerEvent
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.schedulers.base import STATE_STOPPED, BaseScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlmodel import Session

from rituals import jobs
from rituals.context import answer_window
from rituals.digest_delivery import deliver_due_digests_job
from rituals.headlines import keep_headlines_job
from rituals.scheduling import cron_trigger
from storage.db import normalize_url, session_scope
from storage.occurrences import active_rituals

log = logging.getLogger(__name__)

JOBS_TABLE = "apscheduler_jobs"  # left out of Alembic's comparisons in storage/migrations/env.py
SWEEP_JOB_ID = "haven:sweep"
SYNC_JOB_ID = "haven:sync"
RITUAL_JOB_PREFIX = "ritual:"
SWEEP_GRACE_SECONDS = 3600
SYNC_MINUTES = 5
DIGEST_JOB_ID = "haven:digests"
DIGEST_MINUTES = 5
PRIVACY_JOB_ID = "haven:privacy"
HEADLINES_JOB_ID = "haven:headlines"
HEADLINES_MINUTES = 15

# Ritual job ids to keep, for schedulers synced before start() (see _remove_stale_jobs_at_start).
_wanted_at_start: "WeakKeyDictionary[BaseScheduler, set[str]]" = WeakKeyDictionary()


def ritual_job_id(ritual_id: int) -> str:
    """Return the explicit job id of a ritual's opening job."""
    return f"{RITUAL_JOB_PREFIX}{ritual_id}:open"


def build_scheduler(database_url: str | None) -> AsyncIOScheduler:
    """Create the scheduler with its job store in the same database, coalescing missed runs."""
    return AsyncIOScheduler(
        jobstores={
            "default": SQLAlchemyJobStore(url=normalize_url(database_url), tablename=JOBS_TABLE)
        },
        job_defaults={
            "coalesce": True,
            "max_instances": 1,
            "misfire_grace_time": SWEEP_GRACE_SECONDS,
        },
        timezone="UTC",
    )


def sync_jobs(*, scheduler: AsyncIOScheduler, session: Session) -> set[str]:
    """Make the scheduled jobs match the active rituals; return the ritual job ids now scheduled.

    Works before or after start(). A ritual whose schedule or time zone is invalid is logged and
    left without a job; the others are scheduled. Jobs of paused or deleted rituals are removed
    (for a scheduler that has not started yet, as soon as it starts: before that, APScheduler 3
    cannot see the jobs already in its store).
    """
    now = datetime.now(UTC)
    wanted: set[str] = set()
    for ritual, team in active_rituals(session=session):
        job_id = ritual_job_id(ritual.id)
        window = answer_window(ritual)
        try:
            trigger = cron_trigger(ritual.schedule, team.timezone)
        except ValueError as error:
            log.warning("ritual %s of team %s has no job: %s", ritual.id, team.id, error)
            continue
        scheduler.add_job(
            jobs.open_ritual_job,
            trigger=trigger,
            args=[ritual.id],
            id=job_id,
            name=f"{team.name}: {ritual.name}",
            replace_existing=True,
            coalesce=True,
            misfire_grace_time=int(window.total_seconds()),
            next_run_time=trigger.get_next_fire_time(None, now - window),
        )
        wanted.add(job_id)
    if scheduler.state == STATE_STOPPED:
        if scheduler not in _wanted_at_start:
            scheduler.add_listener(_remove_stale_jobs_at_start(scheduler), EVENT_SCHEDULER_START)
        _wanted_at_start[scheduler] = wanted
    else:
        _remove_stale_jobs(scheduler, wanted)
    _add_housekeeping_jobs(scheduler)
    return wanted


def _add_housekeeping_jobs(scheduler: BaseScheduler) -> None:
    """Schedule the sweep, the re-sync and the digest delivery, each under its explicit id."""
    housekeeping = (
        (jobs.sweep_job, 1, SWEEP_JOB_ID, "catch up openings, remind, close"),
        (resync_job, SYNC_MINUTES, SYNC_JOB_ID, "follow ritual changes made by other processes"),
        (
            deliver_due_digests_job,
            DIGEST_MINUTES,
            DIGEST_JOB_ID,
            "send each leader's weekly digest once",
        ),
        (
            keep_headlines_job,
            HEADLINES_MINUTES,
            HEADLINES_JOB_ID,
            "keep each team's figures of the week that became final",
        ),
    )
    for function, minutes, job_id, purpose in housekeeping:
        scheduler.add_job(
            function,
            trigger=IntervalTrigger(minutes=minutes, timezone=UTC),
            id=job_id,
            name=f"Haven: {purpose}",
            replace_existing=True,
            coalesce=True,
            misfire_grace_time=SWEEP_GRACE_SECONDS,
        )
    # A cron trigger, not an interval: a restart must not push the daily pass back a day.
    scheduler.add_job(
        jobs.privacy_job,
        trigger=CronTrigger(hour=3, minute=15, timezone=UTC),
        id=PRIVACY_JOB_ID,
        name="Haven: retention, expired relay seals, uninstalled workspaces",
        replace_existing=True,
        coalesce=True,
        misfire_grace_time=24 * 3600,
    )


def _remove_stale_jobs(scheduler: BaseScheduler, wanted: set[str]) -> None:
    for job in scheduler.get_jobs():
        if job.id.startswith(RITUAL_JOB_PREFIX) and job.id not in wanted:
            scheduler.remove_job(job.id)
            log.info("removed job %s: its ritual is paused or gone", job.id)


def _remove_stale_jobs_at_start(scheduler: BaseScheduler) -> Callable[[SchedulerEvent], None]:
    """Return a one-shot listener that removes stale ritual jobs once the job store is open.

    APScheduler dispatches the start event after the store has started and the pending jobs are
    in it; AsyncIOScheduler looks for due jobs only on the loop's next turn, so a stale job never
    runs.
    """

    def remove(_event: SchedulerEvent) -> None:
        scheduler.remove_listener(remove)
        wanted = _wanted_at_start.pop(scheduler, None)
        if wanted is not None:
            _remove_stale_jobs(scheduler, wanted)

    return remove


async def resync_job() -> None:
    """Match the jobs to the rituals again, picking up changes made by `haven config apply`."""
    runtime = jobs.installed_runtime()
    if runtime is None or runtime.scheduler is None:
        return  # a scheduler started without Haven's runtime has nothing to follow
    with session_scope(runtime.engine) as session:
        sync_jobs(scheduler=runtime.scheduler, session=session)
