"""Scheduler jobs: module-level functions taking ids, so a persistent job store can hold them."""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine

from rituals.clock import utcnow
from rituals.context import RitualScope, answer_window
from rituals.errors import HavenError
from rituals.job_ids import JOBS_TABLE, RITUAL_JOB_PREFIX, RITUAL_JOB_SUFFIX
from rituals.lifecycle import close_occurrence, open_occurrence, send_reminders
from rituals.ports import NotifierRegistry
from rituals.privacy.daily import run_daily_privacy
from rituals.privacy.policy import PrivacyPolicy
from rituals.scheduling import due_time
from storage.db import session_scope
from storage.occurrences import active_rituals, find_occurrence
from storage.ritual_schedules import occurrences_to_follow_up, rituals_without_job

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    """What jobs need at run time: the database and the platforms."""

    engine: Engine
    notifiers: NotifierRegistry
    scheduler: Any = None  # the running AsyncIOScheduler, for the periodic re-sync
    privacy: PrivacyPolicy = field(default_factory=PrivacyPolicy)


_runtime: Runtime | None = None


def install_runtime(runtime: Runtime | None) -> None:
    """Give the jobs of this process their database and notifiers."""
    global _runtime
    _runtime = runtime


def installed_runtime() -> Runtime | None:
    """Return the installed runtime, or None in a process that installed none (tools, tests)."""
    return _runtime


def current_runtime() -> Runtime:
    """Return the installed runtime; jobs cannot run without one."""
    if _runtime is None:
        raise RuntimeError("no Haven runtime installed in this process")
    return _runtime


async def open_ritual_job(ritual_id: int) -> int | None:
    """Open the ritual's due occurrence, if any; return its id (no database work on the loop)."""
    runtime = current_runtime()
    now = utcnow()
    due = await asyncio.to_thread(_due_unopened, runtime.engine, ritual_id, now)
    if due is None:
        return None
    with session_scope(runtime.engine) as session:
        occurrence = await open_occurrence(
            session=session,
            notifiers=runtime.notifiers,
            ritual_id=ritual_id,
            scheduled_at=due,
            now=now,
        )
        return occurrence.id if occurrence else None


def _due_unopened(engine: Engine, ritual_id: int, now: datetime) -> datetime | None:
    """Return when the ritual's round is due, unless it is paused, not due or opened (blocking)."""
    with session_scope(engine) as session:
        scope = RitualScope.of_ritual(session=session, ritual_id=ritual_id)
        if scope.ritual.paused:
            return None
        due = due_time(
            schedule=scope.ritual.schedule,
            timezone=scope.team.timezone,
            working_days=scope.team.working_days,
            window=answer_window(scope.ritual),
            now=now,
        )
        if due is None or find_occurrence(session=session, ritual_id=ritual_id, scheduled_at=due):
            return None
        return due


async def remind_job(occurrence_id: int) -> int:
    """Queue the occurrence's reminders (the roster is fetched with no session open)."""
    runtime = current_runtime()
    with session_scope(runtime.engine) as session:
        return await send_reminders(
            session=session, notifiers=runtime.notifiers, occurrence_id=occurrence_id
        )


async def close_job(occurrence_id: int) -> None:
    """Close the occurrence and queue its summary."""
    runtime = current_runtime()
    with session_scope(runtime.engine) as session:
        await close_occurrence(
            session=session, notifiers=runtime.notifiers, occurrence_id=occurrence_id
        )


async def sweep_job() -> None:
    """Catch up what is due: openings no job will make, reminders and closes.

    With a scheduler running, every ritual it synced has a job that fires when the ritual is due,
    so the sweep opens only rituals without a stored job (added by another process since the last
    sync); without one (tools, tests) it looks at every active ritual. Either way it reads ids, and
    of the open rounds only those due to close or not yet reminded.
    """
    runtime = current_runtime()
    ritual_ids = await asyncio.to_thread(_rituals_to_open, runtime)
    for ritual_id in ritual_ids:
        await _guarded(open_ritual_job, ritual_id)
    now = utcnow()
    due = await asyncio.to_thread(_rounds_to_follow_up, runtime, now)
    for occurrence_id, closing, reminding in due:
        if closing:
            await _guarded(close_job, occurrence_id)
        elif reminding:
            await _guarded(remind_job, occurrence_id)


async def catch_up_job() -> None:
    """Open every round that fell due while no replica scheduled, once (at start and takeover).

    A job the last scheduler took from its store before it died is stored with its next run
    time already moved on, so neither that job nor the sweep would open the round it was
    opening; the occurrence key makes opening a round twice impossible.
    """
    runtime = current_runtime()
    ritual_ids = await asyncio.to_thread(_active_ritual_ids, runtime.engine)
    for ritual_id in ritual_ids:
        await _guarded(open_ritual_job, ritual_id)


def _active_ritual_ids(engine: Engine) -> list[int]:
    """Return the ids of every active ritual (blocking)."""
    with session_scope(engine) as session:
        return [ritual.id for ritual, _team in active_rituals(session=session) if ritual.id]


def _rituals_to_open(runtime: Runtime) -> list[int]:
    """Return the ids of the rituals the sweep opens (blocking: a scan of every ritual, in SQL)."""
    with session_scope(runtime.engine) as session:
        if runtime.scheduler is None:
            return [ritual.id for ritual, _team in active_rituals(session=session)]
        return list(
            rituals_without_job(
                session=session,
                jobs_table=JOBS_TABLE,
                job_prefix=RITUAL_JOB_PREFIX,
                job_suffix=RITUAL_JOB_SUFFIX,
            )
        )


def _rounds_to_follow_up(runtime: Runtime, now: datetime) -> list[tuple[int, bool, bool]]:
    """Return (occurrence id, closing, reminding) of the open rounds due to close or be reminded."""
    with session_scope(runtime.engine) as session:
        return [
            (o.id, o.closes_at <= now, not o.reminded and now >= _halfway(o))
            for o in occurrences_to_follow_up(session=session, now=now)
        ]


def _halfway(occurrence: Any) -> datetime:
    """Return when half an occurrence's answer window has passed: its reminder time."""
    return occurrence.scheduled_at + (occurrence.closes_at - occurrence.scheduled_at) / 2


async def privacy_job() -> None:
    """Delete what is past retention, expired relay seals and workspaces past their grace period."""
    runtime = current_runtime()
    await asyncio.to_thread(
        run_daily_privacy, engine=runtime.engine, policy=runtime.privacy, now=utcnow()
    )


async def _guarded(job: Callable[[int], Awaitable[object]], target_id: int) -> None:
    """Run one step so that a failure (bad cron, platform down) is logged and stops no other."""
    try:
        await job(target_id)
    except HavenError as error:
        log.warning("%s(%s) skipped: %s", job.__name__, target_id, error)
    except Exception:
        log.exception("%s(%s) failed", job.__name__, target_id)
