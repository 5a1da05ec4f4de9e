"""The scheduler at scale: syncing writes only what changed, the sweep reads only what may be due."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import event
from sqlmodel import Session, select

from rituals import jobs
from rituals.job_turns import database_turn, turns_for
from rituals.scheduler import build_scheduler, ritual_job_id, sync_jobs
from storage.models import Occurrence
from tests.conftest import make_ritual, make_team

FIRE = datetime(2026, 11, 23, 8, 55, tzinfo=UTC)  # Monday 09:55 in Berlin
CHECKIN = "55 9 * * mon"


def ritual_job_writes(scheduler) -> list[str]:
    """Record, from now on, the id of every ritual job written to APScheduler's table."""
    writes: list[str] = []
    store_engine = scheduler._lookup_jobstore("default").engine

    def record(_conn, _cursor, statement, parameters, *_args) -> None:  # type: ignore[no-untyped-def]
        verb = statement.split()[0]
        if "apscheduler_jobs" in statement and verb in ("INSERT", "UPDATE", "DELETE"):
            values = parameters.values() if isinstance(parameters, dict) else parameters
            writes.extend(v for v in values if isinstance(v, str) and v.startswith("ritual:"))

    event.listen(store_engine, "before_cursor_execute", record)
    return writes


async def restart(database_url, session) -> tuple[object, list[str]]:
    """Start a new paused scheduler on the same store and sync it; return it and its job writes."""
    scheduler = build_scheduler(database_url)
    scheduler.start(paused=True)
    writes = ritual_job_writes(scheduler)
    sync_jobs(scheduler=scheduler, session=session)
    return scheduler, writes


async def stop(scheduler) -> None:
    scheduler.shutdown(wait=False)
    await asyncio.sleep(0)


async def test_a_restart_with_nothing_changed_rewrites_no_ritual_job(database_url, session):
    team = make_team(session)
    rituals = [
        make_ritual(session, team, "checkin", name=f"c{n}", schedule=CHECKIN) for n in range(5)
    ]
    with time_machine.travel(FIRE - timedelta(hours=1), tick=False):
        first, first_writes = await restart(database_url, session)
        await stop(first)
        second, second_writes = await restart(database_url, session)
        await stop(second)
        rituals[2].schedule = "0 11 * * tue"
        session.add(rituals[2])
        session.commit()
        third, third_writes = await restart(database_url, session)
        job = third.get_job(ritual_job_id(rituals[2].id))
        await stop(third)

    assert sorted(first_writes) == sorted(ritual_job_id(r.id) for r in rituals)
    assert second_writes == []  # nothing changed: no ritual job written again
    assert third_writes == [ritual_job_id(rituals[2].id)]  # only the changed one
    assert job.trigger.fingerprint[0] == "0 11 * * tue"


async def test_with_a_scheduler_the_sweep_opens_only_rituals_that_have_no_job_yet(
    database_url, engine, session, notifiers, console
):
    team = make_team(session)
    make_ritual(session, team, "checkin", name="known", schedule=CHECKIN)
    with time_machine.travel(FIRE - timedelta(hours=1), tick=False) as traveller:
        scheduler = build_scheduler(database_url)
        scheduler.start(paused=True)
        sync_jobs(scheduler=scheduler, session=session)
        added = make_ritual(session, team, "checkin", name="added later", schedule=CHECKIN)
        jobs.install_runtime(jobs.Runtime(engine=engine, notifiers=notifiers, scheduler=scheduler))
        try:
            traveller.move_to(FIRE + timedelta(seconds=30))
            await jobs.sweep_job()
        finally:
            jobs.install_runtime(None)
            await stop(scheduler)
    with Session(engine) as fresh:
        opened = {o.ritual_id for o in fresh.exec(select(Occurrence))}
    assert opened == {added.id}  # the known ritual's own job opens it, not the sweep


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_jobs_take_turns_for_half_the_pool(engine):
    assert turns_for(engine) == 2  # a pool of five
    inside = 0
    most = 0

    async def job() -> None:
        nonlocal inside, most
        async with database_turn(engine):
            inside += 1
            most = max(most, inside)
            await asyncio.sleep(0.01)
            inside -= 1

    await asyncio.gather(*(job() for _ in range(50)))
    assert most == 2
