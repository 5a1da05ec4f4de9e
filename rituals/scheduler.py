"""The APScheduler 3.x scheduler: a persistent job store in Haven's database, one job per ritual.

A restart neither drops nor repeats an occurrence:

- each ritual job fires when the ritual is due (its cron moved to working days, RitualTrigger);
  a job whose ritual changed, or that is new, is (re)added with `next_run_time` set to the first
  fire time inside the ritual's answer window, and an unchanged job keeps its stored run time, so
  an opening missed while no process scheduled still runs when one starts (within
  `misfire_grace_time` = the answer window, once thanks to `coalesce`);
- `open_ritual_job` opens only the latest occurrence whose window is still open, and the unique
  (ritual, scheduled time) key refuses a second one, so running the job again sends nothing;
- syncing writes only the jobs that differ from the store, so 40,000 unchanged jobs cost one read
  at start-up and nothing afterwards;
- the one-minute sweep opens what has no job yet (rituals added by another process since the last
  sync) and reminds and closes open rounds.
"""

import asyncio
import logging
import threading
from collections.abc import Callable, Hashable
from contextlib import nullcontext, suppress
from datetime import UTC, datetime
from typing import Any
from weakref import WeakKeyDictionary

from apscheduler.events import EVENT_SCHEDULER_START, SchedulerEvent
from apscheduler.executors.asyncio import AsyncIOExecutor
from apscheduler.job import Job
from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.asyncio import AsyncIOScheduler, run_in_event_loop
from apscheduler.schedulers.base import STATE_STOPPED, BaseScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from apscheduler.util import obj_to_ref
from sqlalchemy.engine import Engine
from sqlmodel import Session

from rituals import jobs
from rituals.context import answer_window
from rituals.digest_delivery import deliver_due_digests_job
from rituals.headlines import keep_headlines_job
from rituals.job_ids import JOBS_TABLE, RITUAL_JOB_PREFIX, ritual_job_id
from rituals.job_store import BatchingJobStore
from rituals.job_turns import database_turn
from rituals.ritual_trigger import RitualTrigger
from storage.db import normalize_url, session_scope
from storage.ritual_schedules import ritual_schedules

log = logging.getLogger(__name__)

SWEEP_JOB_ID = "haven:sweep"
SYNC_JOB_ID = "haven:sync"
SWEEP_GRACE_SECONDS = 3600
SYNC_MINUTES = 5
DIGEST_JOB_ID = "haven:digests"
DIGEST_MINUTES = 5
PRIVACY_JOB_ID = "haven:privacy"
HEADLINES_JOB_ID = "haven:headlines"
HEADLINES_MINUTES = 15

# Ritual job ids to keep, for schedulers synced before start() (see _remove_stale_jobs_at_start).
_wanted_at_start: "WeakKeyDictionary[BaseScheduler, set[str]]" = WeakKeyDictionary()
_syncing = threading.RLock()
# What each running scheduler's ritual jobs were made of when last written or read, by job id.
_known: "WeakKeyDictionary[BaseScheduler, dict[str, Hashable]]" = WeakKeyDictionary()


async def open_ritual_in_turn(ritual_id: int) -> int | None:
    """Open the ritual's due occurrence once a database turn is free (see rituals/job_turns.py)."""
    runtime = jobs.current_runtime()
    async with database_turn(runtime.engine):
        return await jobs.open_ritual_job(ritual_id)


OPENING_JOB = obj_to_ref(open_ritual_in_turn)  # how the store names the function


class LoopExecutor(AsyncIOExecutor):
    """APScheduler's asyncio executor, handed jobs from a worker thread: each starts on the loop."""

    def _do_submit_job(self, job: Job, run_times: list[datetime]) -> None:
        self._eventloop.call_soon_threadsafe(super()._do_submit_job, job, run_times)


class BatchingScheduler(AsyncIOScheduler):
    """An AsyncIOScheduler whose passes over due jobs run in a worker thread, in one transaction.

    A pass reads every due job, works out each one's next run time and writes them back: for a
    thousand rounds due in one minute, over a second in which the event loop (and /healthz)
    would wait. In a worker thread, with the next run times stored together, nothing waits.
    """

    _passing = False  # a pass is running in a worker thread
    _wanted_again = False  # a wake-up came during the pass: pass again at once

    def _process_jobs(self) -> float | None:
        store = self._jobstores.get("default")
        with store.one_transaction() if isinstance(store, BatchingJobStore) else nullcontext():
            return super()._process_jobs()

    def _create_default_executor(self) -> LoopExecutor:
        return LoopExecutor()

    @run_in_event_loop
    def wakeup(self) -> None:
        """Start a pass over due jobs in a worker thread, or one more after the running one."""
        self._stop_timer()
        if self._passing:
            self._wanted_again = True
            return
        self._passing = True
        done = self._eventloop.run_in_executor(None, self._process_jobs)
        done.add_done_callback(self._passed)

    def _passed(self, done: "asyncio.Future[float | None]") -> None:
        """Wait until the next job is due (or pass again at once), unless the scheduler stopped."""
        self._passing = False
        if done.cancelled() or done.exception() is not None:
            log.error(
                "a pass over due jobs failed: %r", None if done.cancelled() else done.exception()
            )
            wait: float | None = self.jobstore_retry_interval
        else:
            wait = done.result()  # None: no job at all, wait for the next wake-up
        if self._wanted_again:
            self._wanted_again, wait = False, 0
        if self.state != STATE_STOPPED and self._eventloop is not None:
            self._start_timer(wait)


def build_scheduler(database_url: str | None) -> AsyncIOScheduler:
    """Create the scheduler with its job store in the same database, coalescing missed runs."""
    return BatchingScheduler(
        jobstores={
            "default": BatchingJobStore(url=normalize_url(database_url), tablename=JOBS_TABLE)
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

    Works before or after start(); started (even paused), only the jobs that differ from the store
    are written. A ritual whose schedule or time zone is invalid is logged and left without a job;
    the others are scheduled. Jobs of paused or deleted rituals are removed (for a scheduler that
    has not started yet, as soon as it starts: before that, APScheduler 3 cannot see the jobs
    already in its store).
    """
    with (
        _syncing
    ):  # a start-up sync in a worker thread and a chat edit's on the loop, one at a time
        return _sync_jobs(scheduler=scheduler, session=session)


def _sync_jobs(*, scheduler: AsyncIOScheduler, session: Session) -> set[str]:
    now = datetime.now(UTC)
    stopped = scheduler.state == STATE_STOPPED
    known = {} if stopped else _stored_ritual_jobs(scheduler)
    store = scheduler._lookup_jobstore("default") if not stopped else None
    with store.one_transaction() if isinstance(store, BatchingJobStore) else nullcontext():
        wanted, written = _write_ritual_jobs(
            scheduler=scheduler, session=session, known=known, now=now
        )
        if not stopped:
            for job_id in set(known) - wanted:
                with suppress(JobLookupError):  # already gone from the store
                    scheduler.remove_job(job_id)
                del known[job_id]
                log.info("removed job %s: its ritual is paused or gone", job_id)
    if stopped:
        if scheduler not in _wanted_at_start:
            scheduler.add_listener(_remove_stale_jobs_at_start(scheduler), EVENT_SCHEDULER_START)
        _wanted_at_start[scheduler] = wanted
    if written:
        log.info("wrote %d ritual job(s); %d unchanged", written, len(wanted) - written)
    _add_housekeeping_jobs(scheduler)
    return wanted


def _write_ritual_jobs(
    *, scheduler: BaseScheduler, session: Session, known: dict[str, Hashable], now: datetime
) -> tuple[set[str], int]:
    """Add or replace the job of every active ritual that differs from `known`; return ids, writes."""
    wanted: set[str] = set()
    written = 0
    for row in ritual_schedules(session=session):
        job_id = ritual_job_id(row.id)
        window = answer_window(row)  # type: ignore[arg-type]
        name = f"{row.team_name}: {row.name}"
        made_of = _made_of(
            args=(row.id,),
            name=name,
            grace=int(window.total_seconds()),
            fingerprint=(row.schedule, row.timezone, row.working_days),
        )
        if known.get(job_id) == made_of:
            wanted.add(job_id)
            continue
        try:
            trigger = RitualTrigger(
                schedule=row.schedule, timezone=row.timezone, working_days=row.working_days
            )
        except ValueError as error:
            log.warning("ritual %s of team %s has no job: %s", row.id, row.team_id, error)
            continue
        wanted.add(job_id)
        scheduler.add_job(
            open_ritual_in_turn,
            trigger=trigger,
            args=[row.id],
            id=job_id,
            name=name,
            replace_existing=True,
            coalesce=True,
            misfire_grace_time=int(window.total_seconds()),
            next_run_time=trigger.get_next_fire_time(None, now - window),
        )
        known[job_id] = made_of
        written += 1
    return wanted, written


def _made_of(
    *, args: tuple[object, ...], name: str, grace: int | None, fingerprint: object
) -> Hashable:
    """Return what a ritual job is made of: equal for two jobs that would behave the same."""
    return (args, name, grace, fingerprint)


def _stored_ritual_jobs(scheduler: BaseScheduler) -> dict[str, Hashable]:
    """Return what the ritual jobs in the store are made of, reading the store once per scheduler."""
    if scheduler not in _known:
        store = scheduler._lookup_jobstore("default")
        if isinstance(store, BatchingJobStore):
            states = store.stored_states(id_prefix=RITUAL_JOB_PREFIX)
            _known[scheduler] = {job_id: _made_of_state(state) for job_id, state in states}
        else:
            _known[scheduler] = {
                job.id: _made_of_state(job.__getstate__())
                for job in scheduler.get_jobs()
                if job.id.startswith(RITUAL_JOB_PREFIX)
            }
    return _known[scheduler]


def _made_of_state(state: dict[str, Any]) -> Hashable:
    """Return what a stored job is made of, from its pickled state."""
    if state.get("func") != OPENING_JOB:
        return None  # written by an older Haven: rewrite it
    return _made_of(
        args=tuple(state["args"]),
        name=state["name"],
        grace=state["misfire_grace_time"],
        fingerprint=getattr(state["trigger"], "fingerprint", None),
    )


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
    await asyncio.to_thread(sync_in_session, runtime.engine, runtime.scheduler)


def sync_in_session(engine: Engine, scheduler: AsyncIOScheduler) -> set[str]:
    """Match the jobs to the rituals in a session of its own (blocking: run it in a worker thread).

    APScheduler's job changes are thread-safe (the scheduler wakes up on its event loop).
    """
    with session_scope(engine) as session:
        return sync_jobs(scheduler=scheduler, session=session)
