"""Exactly one replica schedules: take the scheduler when it is free, give it up when the lock is lost.

On PostgreSQL the scheduler belongs to the holder of an advisory lock on its own connection.
Every replica checks on an interval (HAVEN_SCHEDULER_RETRY_SECONDS): one that stands by tries
the lock, so a survivor takes over within the interval after the holder dies; the holder checks
that its lock connection still answers, and stops scheduling the moment it does not (the server
released the lock with the connection, so another replica may already hold it).
"""

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING

from bot.observability import watch_lag
from rituals import jobs
from rituals.metrics import SCHEDULING
from rituals.scheduler import build_scheduler, sync_in_session
from storage.leader_lock import LockHeld, lock_holder, still_held, try_acquire

if TYPE_CHECKING:
    from bot.server import ServerState

log = logging.getLogger(__name__)


_resyncs: "set[asyncio.Task[None]]" = set()  # background tasks, kept until done as asyncio asks


def schedules(state: "ServerState") -> bool:
    """Return whether this replica runs the scheduler now."""
    return state.scheduler is not None and state.scheduler.running


def scheduler_holder(state: "ServerState") -> str | None:
    """Return which replica schedules (blocking): this one, another one by name, or None."""
    return state.replica if schedules(state) else lock_holder(state.engine)


async def claim_scheduler(state: "ServerState") -> bool:
    """Take the scheduler lock and start scheduling; return False when another replica has it."""
    try:
        state.lock = await asyncio.to_thread(try_acquire, state.engine, holder=state.replica)
    except LockHeld:
        return False
    runtime = jobs.installed_runtime()
    assert runtime is not None
    state.scheduler = runtime.scheduler = build_scheduler(state.settings.database_url)
    watch_lag(state.scheduler)
    # Started paused, the scheduler can see its store, so syncing writes only the jobs that
    # differ; an unchanged job keeps its stored run time, a changed one is due again from the
    # start of its answer window: what fell due while no replica scheduled opens now, once.
    # Paused, it runs no job, so the sync may run in a worker thread: a replica taking over
    # keeps answering /healthz while it reads and writes tens of thousands of jobs.
    state.scheduler.start(paused=True)
    try:
        scheduled = await asyncio.to_thread(_sync, state)
    except BaseException:
        stand_down(state)  # never left holding the lock with a paused scheduler
        raise
    state.scheduler.resume()
    SCHEDULING.set(1)
    log.info("replica %s schedules %d ritual job(s)", state.replica, len(scheduled))
    catch_up = asyncio.get_running_loop().create_task(jobs.catch_up_job())
    _resyncs.add(catch_up)  # kept until done, as asyncio asks
    catch_up.add_done_callback(_resyncs.discard)
    return True


def _sync(state: "ServerState") -> set[str]:
    """Match the paused scheduler's jobs to the rituals (blocking)."""
    assert state.scheduler is not None
    return sync_in_session(state.engine, state.scheduler)


def resync_soon(state: "ServerState") -> None:
    """Bring the jobs in line with rituals an admin just changed, in a worker thread."""
    scheduler = state.scheduler
    if scheduler is None or not scheduler.running:
        return

    async def resync() -> None:
        try:
            await asyncio.to_thread(sync_in_session, state.engine, scheduler)
        except Exception:  # the change is saved; the periodic re-sync picks it up
            log.exception("could not resync the schedule after an admin change")

    task = asyncio.get_running_loop().create_task(resync())
    _resyncs.add(task)
    task.add_done_callback(_resyncs.discard)


def stand_down(state: "ServerState") -> None:
    """Stop scheduling at once and drop the (lost) lock connection."""
    if state.scheduler is not None and state.scheduler.running:
        state.scheduler.shutdown(wait=False)
    state.scheduler = None
    runtime = jobs.installed_runtime()
    if runtime is not None:
        runtime.scheduler = None
    if state.lock is not None:
        with contextlib.suppress(Exception):
            state.lock.invalidate()
            state.lock.close()
    state.lock = None
    SCHEDULING.set(0)


async def keep_watch(state: "ServerState") -> None:
    """Every interval: take the scheduler when it is free; give it up when the lock is lost."""
    while True:
        await asyncio.sleep(state.settings.scheduler_retry_seconds)
        try:
            if not schedules(state):
                await claim_scheduler(state)
            elif state.lock is not None and not await asyncio.to_thread(still_held, state.lock):
                log.error("replica %s lost the scheduler lock; it stands by", state.replica)
                stand_down(state)
        except Exception:  # the database is away for now: look again at the next interval
            log.exception("could not check the scheduler lock")
