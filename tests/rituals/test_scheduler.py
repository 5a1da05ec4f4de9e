"""The scheduler and its jobs on a moved clock: once per occurrence, across restarts and failures.

Time is moved with time_machine (tick=False). APScheduler 3 reads "now" with datetime.now(tz),
which time_machine patches; the asyncio loop's timers run on time.monotonic(), which it does not.
So a scheduler started after the clock moved looks for due jobs at once (start() wakes it on the
loop's next turn), while a scheduler already running when the clock moves only notices after
scheduler.wakeup(). Waiting for a job is polling for its observable result, at most 5 seconds.
"""

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from apscheduler.events import (
    EVENT_JOB_ERROR,
    EVENT_JOB_EXECUTED,
    EVENT_JOB_MISSED,
    JobExecutionEvent,
)
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import text
from sqlmodel import Session, select

from rituals import checkin, jobs
from rituals.context import RitualScope
from rituals.messages import CheckinPrompt, Reminder, RoundSummary
from rituals.scheduler import (
    DIGEST_JOB_ID,
    HEADLINES_JOB_ID,
    PRIVACY_JOB_ID,
    SWEEP_JOB_ID,
    SYNC_JOB_ID,
    build_scheduler,
    ritual_job_id,
    sync_jobs,
)
from storage.models import Occurrence, Ritual, Team
from storage.teams import get_or_create_workspace
from tests.conftest import ROOM, make_ritual, make_team


def ritual_deliveries(console):
    """Return what the rituals sent, leaving out the leaders' weekly digests (their own job)."""
    return [d for d in console.deliveries if type(d.message).__name__ != "DigestMessage"]


HAVEN_JOBS = {SWEEP_JOB_ID, SYNC_JOB_ID, DIGEST_JOB_ID, PRIVACY_JOB_ID, HEADLINES_JOB_ID}
CHECKIN = "55 9 * * mon"  # Mondays 09:55 in the team's time zone
FIRE = datetime(2026, 11, 23, 8, 55, tzinfo=UTC)  # Monday 23 November 2026, 09:55 in Berlin (CET)
WINDOW = timedelta(hours=4)  # the check-in's default answer window
EVERY_DAY = "mon,tue,wed,thu,fri,sat,sun"


@pytest.fixture
def runtime(engine, notifiers):
    """Install the jobs' runtime for the test and take it away afterwards."""
    jobs.install_runtime(jobs.Runtime(engine=engine, notifiers=notifiers))
    yield
    jobs.install_runtime(None)


@pytest.fixture
async def new_scheduler(database_url):
    """Return a maker of build_scheduler(database_url); what still runs is stopped afterwards."""
    built: list[AsyncIOScheduler] = []

    def new() -> AsyncIOScheduler:
        built.append(build_scheduler(database_url))
        return built[-1]

    yield new
    for scheduler in built:
        if scheduler.running:
            await stop(scheduler)


async def eventually(check: Callable[[], bool], what: str, seconds: float = 5.0) -> None:
    """Poll for an observable result, never longer than `seconds`."""
    for _ in range(int(seconds / 0.01)):
        if check():
            return
        await asyncio.sleep(0.01)
    pytest.fail(f"gave up after {seconds} s waiting for {what}")


async def stop(scheduler: AsyncIOScheduler) -> None:
    """Shut down without waiting for jobs: the process goes down."""
    scheduler.shutdown(wait=False)
    await eventually(lambda: not scheduler.running, "the scheduler to shut down")


def record_events(scheduler: AsyncIOScheduler) -> list[JobExecutionEvent]:
    """Collect the scheduler's job outcomes: executed, missed, failed."""
    events: list[JobExecutionEvent] = []
    scheduler.add_listener(events.append, EVENT_JOB_EXECUTED | EVENT_JOB_MISSED | EVENT_JOB_ERROR)
    return events


def outcomes(events: list[JobExecutionEvent], job_id: str) -> list[int]:
    return [event.code for event in events if event.job_id == job_id]


def stored_job_ids(engine) -> set[str]:
    """Return the ids of the jobs persisted in APScheduler's table of Haven's database."""
    with engine.connect() as connection:
        return set(connection.execute(text("SELECT id FROM apscheduler_jobs")).scalars())


def occurrence_times(engine, ritual_id: int) -> list[datetime]:
    with Session(engine) as session:
        found = session.exec(select(Occurrence).where(Occurrence.ritual_id == ritual_id)).all()
        return sorted(occurrence.scheduled_at for occurrence in found)


def prompts(console) -> list[CheckinPrompt]:
    return [m for m in console.sent_to(ROOM, "channel") if isinstance(m, CheckinPrompt)]


# --- the opening job on a moved clock --------------------------------------------------------


async def test_the_opening_job_opens_one_occurrence_however_often_it_runs(
    session, engine, console, runtime
):
    ritual = make_ritual(session, make_team(session), "checkin", schedule=CHECKIN)
    with time_machine.travel(FIRE - timedelta(minutes=1), tick=False) as traveller:
        assert await jobs.open_ritual_job(ritual.id) is None  # not due yet
        assert console.deliveries == []

        traveller.move_to(FIRE + timedelta(seconds=30))
        opened = await jobs.open_ritual_job(ritual.id)
        assert opened is not None
        assert [p.occurrence_id for p in prompts(console)] == [opened]

        assert await jobs.open_ritual_job(ritual.id) is None  # again, at the same time
        traveller.move_to(FIRE + WINDOW - timedelta(minutes=1))
        assert await jobs.open_ritual_job(ritual.id) is None  # later, window still open
        traveller.move_to(FIRE + WINDOW)
        assert await jobs.open_ritual_job(ritual.id) is None  # window closed

    assert occurrence_times(engine, ritual.id) == [FIRE]
    assert len(console.deliveries) == 1  # the prompt, nothing sent twice


async def test_the_fall_back_day_repeats_the_trigger_but_opens_one_occurrence(
    session, engine, console, runtime
):
    team = make_team(session, working_days=EVERY_DAY)
    ritual = make_ritual(session, team, "checkin", schedule="30 2 * * *")
    first_pass = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 02:30 CEST
    second_pass = first_pass + timedelta(hours=1)  # 02:30 CET, where APScheduler fires again
    with time_machine.travel(first_pass + timedelta(seconds=5), tick=False) as traveller:
        assert await jobs.open_ritual_job(ritual.id) is not None
        traveller.move_to(second_pass + timedelta(seconds=5))
        assert await jobs.open_ritual_job(ritual.id) is None
    assert occurrence_times(engine, ritual.id) == [first_pass]
    assert len(prompts(console)) == 1


async def test_the_missing_time_of_the_spring_forward_day_opens_an_hour_later(
    session, engine, console, runtime
):
    team = make_team(session, working_days=EVERY_DAY)
    ritual = make_ritual(session, team, "checkin", schedule="30 2 * * *")
    moved = datetime(2026, 3, 29, 1, 30, tzinfo=UTC)  # 03:30 CEST: 02:30 did not exist
    with time_machine.travel(moved - timedelta(seconds=5), tick=False) as traveller:
        assert await jobs.open_ritual_job(ritual.id) is None
        traveller.move_to(moved + timedelta(seconds=5))
        assert await jobs.open_ritual_job(ritual.id) is not None
    assert occurrence_times(engine, ritual.id) == [moved]
    assert moved.astimezone(ZoneInfo("Europe/Berlin")).hour == 3


async def test_a_monthly_ritual_on_a_saturday_opens_on_monday(session, engine, console, runtime):
    ritual = make_ritual(session, make_team(session), "checkin", schedule="0 10 1 * *")
    saturday = datetime(2026, 8, 1, 8, 0, tzinfo=UTC)  # 10:00 CEST on Saturday 1 August
    monday = saturday + timedelta(days=2)
    with time_machine.travel(saturday + timedelta(seconds=30), tick=False) as traveller:
        assert await jobs.open_ritual_job(ritual.id) is None  # the cron job's own fire time
        traveller.move_to(monday + timedelta(seconds=30))
        await jobs.sweep_job()  # the sweep opens the moved occurrence
        await jobs.sweep_job()
    assert occurrence_times(engine, ritual.id) == [monday]
    assert len(prompts(console)) == 1


# --- restarts ----------------------------------------------------------------------------------


async def run_first_process(new_scheduler, engine, session, ritual) -> None:
    """Start a scheduler before the fire time, check its jobs are persisted, and go down."""
    scheduler = new_scheduler()
    sync_jobs(scheduler=scheduler, session=session)
    scheduler.start()
    assert stored_job_ids(engine) == {ritual_job_id(ritual.id)} | HAVEN_JOBS
    now = datetime.now(UTC)
    assert all(job.next_run_time > now for job in scheduler.get_jobs())  # nothing due yet
    await stop(scheduler)


@pytest.mark.parametrize("sync_on_restart", [False, True], ids=["start-only", "sync-then-start"])
async def test_a_restart_inside_the_window_sends_the_missed_occurrence_exactly_once(
    sync_on_restart, new_scheduler, engine, session, console, runtime
):
    ritual = make_ritual(session, make_team(session), "checkin", schedule=CHECKIN)
    job_id = ritual_job_id(ritual.id)
    with time_machine.travel(FIRE - timedelta(minutes=55), tick=False) as traveller:
        await run_first_process(new_scheduler, engine, session, ritual)
        assert ritual_deliveries(console) == []

        traveller.move_to(FIRE + timedelta(minutes=35))  # down at 09:55 Berlin, up at 10:30
        scheduler = new_scheduler()
        events = record_events(scheduler)
        if sync_on_restart:  # what bot/server.py does
            sync_jobs(scheduler=scheduler, session=session)
        scheduler.start()
        await eventually(lambda: outcomes(events, job_id), "the missed ritual job to run")
        if not sync_on_restart:  # the stored sweep was due as well and races the ritual job
            await eventually(lambda: outcomes(events, SWEEP_JOB_ID), "the stored sweep to run")
        assert outcomes(events, job_id) == [EVENT_JOB_EXECUTED]  # once: coalesced
        assert scheduler.get_job(job_id).next_run_time == FIRE + timedelta(days=7)
        await stop(scheduler)

    assert occurrence_times(engine, ritual.id) == [FIRE]
    assert len(prompts(console)) == 1
    assert len(ritual_deliveries(console)) == 1


async def test_a_long_outage_runs_the_job_once_and_opens_only_the_latest_occurrence(
    new_scheduler, engine, session, console, runtime
):
    team = make_team(session)
    two_days = 2 * 24 * 60
    ritual = make_ritual(
        session, team, "checkin", schedule="55 9 * * mon,tue,wed", window_minutes=two_days
    )
    job_id = ritual_job_id(ritual.id)
    with time_machine.travel(FIRE - timedelta(minutes=55), tick=False) as traveller:
        await run_first_process(new_scheduler, engine, session, ritual)

        traveller.move_to(FIRE + timedelta(days=2, minutes=35))  # Monday to Wednesday missed
        scheduler = new_scheduler()
        events = record_events(scheduler)
        scheduler.start()
        await eventually(lambda: outcomes(events, job_id), "the missed ritual job to run")
        await eventually(lambda: outcomes(events, SWEEP_JOB_ID), "the stored sweep to run")
        # Monday's run time is past its grace time, Tuesday's and Wednesday's are not: coalesced
        # into one run, at Wednesday's.
        assert outcomes(events, job_id) == [EVENT_JOB_EXECUTED]
        await stop(scheduler)

    assert occurrence_times(engine, ritual.id) == [FIRE + timedelta(days=2)]
    assert len(ritual_deliveries(console)) == 1


@pytest.mark.parametrize("sync_on_restart", [False, True], ids=["start-only", "sync-then-start"])
async def test_a_restart_after_the_window_closed_sends_nothing(
    sync_on_restart, new_scheduler, engine, session, console, runtime
):
    ritual = make_ritual(session, make_team(session), "checkin", schedule=CHECKIN)
    job_id = ritual_job_id(ritual.id)
    with time_machine.travel(FIRE - timedelta(minutes=55), tick=False) as traveller:
        await run_first_process(new_scheduler, engine, session, ritual)

        traveller.move_to(FIRE + WINDOW + timedelta(minutes=5))
        scheduler = new_scheduler()
        events = record_events(scheduler)
        if sync_on_restart:
            sync_jobs(scheduler=scheduler, session=session)
        scheduler.start()
        if sync_on_restart:  # the job's next run is next week's; nothing is due now
            assert scheduler.get_job(job_id).next_run_time == FIRE + timedelta(days=7)
            await jobs.sweep_job()  # and catching up finds nothing to open
        else:  # the stored run time is past its grace time (the window): missed, not run
            await eventually(lambda: outcomes(events, job_id), "the stored ritual job")
            await eventually(lambda: outcomes(events, SWEEP_JOB_ID), "the stored sweep")
            assert outcomes(events, job_id) == [EVENT_JOB_MISSED]
        await stop(scheduler)

    assert occurrence_times(engine, ritual.id) == []
    assert ritual_deliveries(console) == []


async def test_restarting_again_after_the_occurrence_was_sent_sends_nothing_again(
    new_scheduler, engine, session, console, runtime
):
    ritual = make_ritual(session, make_team(session), "checkin", schedule=CHECKIN)
    job_id = ritual_job_id(ritual.id)
    with time_machine.travel(FIRE - timedelta(minutes=55), tick=False) as traveller:
        await run_first_process(new_scheduler, engine, session, ritual)

        traveller.move_to(FIRE + timedelta(minutes=35))
        second = new_scheduler()
        sent = record_events(second)
        sync_jobs(scheduler=second, session=session)
        second.start()
        await eventually(lambda: outcomes(sent, job_id), "the missed ritual job to run")
        assert len(prompts(console)) == 1
        await stop(second)

        traveller.move_to(FIRE + timedelta(minutes=65))
        third = new_scheduler()
        events = record_events(third)
        sync_jobs(scheduler=third, session=session)  # sets the job back to 09:55 Berlin
        third.start()
        await eventually(lambda: outcomes(events, job_id), "the ritual job to run again")
        ran = [e for e in events if e.job_id == job_id]
        assert [(e.code, e.retval) for e in ran] == [(EVENT_JOB_EXECUTED, None)]  # opened nothing
        await stop(third)

    assert occurrence_times(engine, ritual.id) == [FIRE]
    assert len(ritual_deliveries(console)) == 1


async def test_a_running_scheduler_fires_after_the_clock_moves_and_it_is_woken(
    new_scheduler, engine, session, console, runtime
):
    ritual = make_ritual(session, make_team(session), "checkin", schedule=CHECKIN)
    job_id = ritual_job_id(ritual.id)
    with time_machine.travel(FIRE - timedelta(minutes=5), tick=False) as traveller:
        scheduler = new_scheduler()
        events = record_events(scheduler)
        sync_jobs(scheduler=scheduler, session=session)
        scheduler.start()
        # Its loop timer now waits five real minutes; moving the clock does not shorten it.
        traveller.move_to(FIRE + timedelta(seconds=1))
        scheduler.wakeup()
        await eventually(lambda: outcomes(events, job_id), "the ritual job to run")
        await eventually(lambda: outcomes(events, SWEEP_JOB_ID), "the sweep to run")
        await stop(scheduler)
    assert occurrence_times(engine, ritual.id) == [FIRE]
    assert len(prompts(console)) == 1


# --- the sweep: reminders and closing ----------------------------------------------------------


async def test_the_sweep_reminds_the_silent_at_half_the_window_and_closes_once(
    session, engine, notifiers, console, runtime
):
    make_ritual(session, make_team(session), "checkin", schedule=CHECKIN, window_minutes=60)
    half, closes = FIRE + timedelta(minutes=30), FIRE + timedelta(minutes=60)
    with time_machine.travel(FIRE + timedelta(seconds=30), tick=False) as traveller:
        await jobs.sweep_job()
        (occurrence_id,) = [p.occurrence_id for p in prompts(console)]
        scope, occurrence = RitualScope.of_occurrence(session=session, occurrence_id=occurrence_id)
        for user_id in ("U1", "U2"):
            await checkin.record(
                scope=scope, occurrence=occurrence, notifiers=notifiers, user_id=user_id, mood=4
            )
        before = len(console.deliveries)

        traveller.move_to(half - timedelta(seconds=1))
        await jobs.sweep_job()
        assert len(console.deliveries) == before  # not yet half the window

        traveller.move_to(half)
        await jobs.sweep_job()
        traveller.move_to(half + timedelta(minutes=10))
        await jobs.sweep_job()
        reminders = [d for d in console.deliveries if isinstance(d.message, Reminder)]
        assert sorted(d.target for d in reminders) == ["U3", "U4", "U5", "ULEAD"]  # once each
        assert {d.where for d in reminders} == {"direct"}
        for delivery in reminders:
            assert delivery.message.occurrence_id == occurrence_id
            named = ["U1", "U2", "U3", "U4", "U5", "ULEAD", "Person", "Lea"]
            assert not any(name in delivery.message.text for name in named)

        traveller.move_to(closes - timedelta(seconds=1))
        await jobs.sweep_job()
        assert not [d for d in console.deliveries if isinstance(d.message, RoundSummary)]
        traveller.move_to(closes)
        await jobs.sweep_job()
        assert len([d for d in console.deliveries if isinstance(d.message, RoundSummary)]) == 1
        traveller.move_to(closes + timedelta(minutes=5))
        await jobs.sweep_job()

    summaries = [d for d in console.deliveries if isinstance(d.message, RoundSummary)]
    assert [(d.where, d.message.occurrence_id) for d in summaries] == [("update", occurrence_id)]
    assert len([d for d in console.deliveries if isinstance(d.message, Reminder)]) == 4
    with Session(engine) as fresh:
        closed = fresh.get(Occurrence, occurrence_id)
        assert (closed.status, closed.reminded) == ("closed", True)


# --- syncing jobs ------------------------------------------------------------------------------


def two_rituals(session) -> tuple[Ritual, Ritual]:
    berlin = make_team(session)
    new_york = make_team(session, name="Ops", timezone="America/New_York")
    return (
        make_ritual(session, berlin, "checkin", schedule=CHECKIN),
        make_ritual(session, new_york, "safety_pulse", schedule="0 9 * * 1"),  # crontab: Monday
    )


def pause(session, ritual: Ritual) -> None:
    ritual.paused = True
    session.add(ritual)
    session.commit()


async def test_syncing_twice_keeps_one_job_per_ritual_with_the_team_time_zone(
    new_scheduler, engine, session
):
    berlin, new_york = two_rituals(session)
    with time_machine.travel(FIRE - timedelta(hours=1), tick=False):
        scheduler = new_scheduler()
        scheduler.start(paused=True)
        for _ in range(2):
            sync_jobs(scheduler=scheduler, session=session)
        ids = [job.id for job in scheduler.get_jobs()]
        await stop(scheduler)

    expected = {ritual_job_id(berlin.id), ritual_job_id(new_york.id)} | HAVEN_JOBS
    assert sorted(ids) == sorted(expected)
    assert stored_job_ids(engine) == expected


async def test_each_ritual_job_carries_its_team_time_zone(new_scheduler, session):
    berlin, new_york = two_rituals(session)
    with time_machine.travel(FIRE - timedelta(hours=1), tick=False):
        scheduler = new_scheduler()
        scheduler.start(paused=True)
        sync_jobs(scheduler=scheduler, session=session)
        jobs_by_id = {job.id: job for job in scheduler.get_jobs()}
        await stop(scheduler)

    berlin_job, new_york_job = (jobs_by_id[ritual_job_id(r.id)] for r in (berlin, new_york))
    assert berlin_job.trigger.timezone == ZoneInfo("Europe/Berlin")
    assert new_york_job.trigger.timezone == ZoneInfo("America/New_York")
    assert berlin_job.next_run_time == FIRE
    assert new_york_job.next_run_time == datetime(2026, 11, 23, 14, 0, tzinfo=UTC)  # 09:00 EST
    assert (berlin_job.coalesce, berlin_job.misfire_grace_time) == (True, WINDOW.total_seconds())
    assert new_york_job.misfire_grace_time == 48 * 3600  # the pulse's answer window


async def test_syncing_removes_the_job_of_a_paused_ritual(new_scheduler, engine, session):
    berlin, new_york = two_rituals(session)
    with time_machine.travel(FIRE - timedelta(hours=1), tick=False):
        scheduler = new_scheduler()
        scheduler.start(paused=True)
        sync_jobs(scheduler=scheduler, session=session)
        pause(session, new_york)
        assert sync_jobs(scheduler=scheduler, session=session) == {ritual_job_id(berlin.id)}
        assert scheduler.get_job(ritual_job_id(new_york.id)) is None
        await stop(scheduler)
    assert stored_job_ids(engine) == {ritual_job_id(berlin.id)} | HAVEN_JOBS


async def test_syncing_before_start_removes_the_stored_job_of_a_paused_ritual(
    new_scheduler, engine, session
):
    berlin, new_york = two_rituals(session)
    with time_machine.travel(FIRE - timedelta(hours=1), tick=False):
        first = new_scheduler()
        sync_jobs(scheduler=first, session=session)
        first.start(paused=True)
        await stop(first)
        assert ritual_job_id(new_york.id) in stored_job_ids(engine)

        pause(session, new_york)
        second = new_scheduler()
        sync_jobs(scheduler=second, session=session)  # stopped: it cannot see the store yet
        second.start(paused=True)
        assert second.get_job(ritual_job_id(new_york.id)) is None
        await stop(second)
    assert stored_job_ids(engine) == {ritual_job_id(berlin.id)} | HAVEN_JOBS


# --- one broken ritual stops no other ----------------------------------------------------------


class DownNotifier:
    """A platform that fails on every call."""

    async def post_to_channel(self, **_):
        raise RuntimeError("platform down")

    async def post_in_thread(self, **_):
        raise RuntimeError("platform down")

    async def update_message(self, **_):
        raise RuntimeError("platform down")

    async def send_direct(self, **_):
        raise RuntimeError("platform down")

    async def channel_members(self, **_):
        raise RuntimeError("platform down")


def broken_rituals(session) -> list[Ritual]:
    """A bad cron, a bad time zone and a platform that is down, all created before the good one."""
    bad_cron = make_ritual(
        session, make_team(session, name="Bad cron"), "checkin", schedule="61 25 * * *"
    )
    bad_zone = make_ritual(
        session,
        make_team(session, name="Bad zone", timezone="Mars/Olympus_Mons"),
        "checkin",
        schedule=CHECKIN,
    )
    workspace = get_or_create_workspace(session=session, platform="teams", external_id="tenant")
    down_team = Team(
        workspace_id=workspace.id, name="Down", channel="19:down", timezone="Europe/Berlin"
    )
    session.add(down_team)
    session.commit()
    down = make_ritual(session, down_team, "checkin", schedule=CHECKIN)
    return [bad_cron, bad_zone, down]


async def test_a_bad_cron_or_a_failing_platform_does_not_stop_the_sweep_for_others(
    session, engine, notifiers, console, runtime, caplog
):
    notifiers.by_platform["teams"] = DownNotifier()
    broken = broken_rituals(session)
    good = make_ritual(session, make_team(session, name="Good"), "checkin", schedule=CHECKIN)
    with (
        caplog.at_level(logging.WARNING, logger="rituals.jobs"),
        time_machine.travel(FIRE + timedelta(seconds=30), tick=False),
    ):
        await jobs.sweep_job()
    assert occurrence_times(engine, good.id) == [FIRE]
    assert len(prompts(console)) == 1
    failed = [r.getMessage() for r in caplog.records if r.name == "rituals.jobs"]
    for ritual in broken:
        assert f"open_ritual_job({ritual.id}) failed" in failed


async def test_a_bad_cron_or_time_zone_leaves_only_that_ritual_unscheduled(
    new_scheduler, session, caplog
):
    _bad_cron, _bad_zone, down = broken_rituals(session)
    good = make_ritual(session, make_team(session, name="Good"), "checkin", schedule=CHECKIN)
    with time_machine.travel(FIRE - timedelta(hours=1), tick=False):
        scheduler = new_scheduler()
        scheduler.start(paused=True)
        with caplog.at_level(logging.WARNING, logger="rituals.scheduler"):
            scheduled = sync_jobs(scheduler=scheduler, session=session)
        ids = {job.id for job in scheduler.get_jobs()}
        await stop(scheduler)
    assert scheduled == {ritual_job_id(down.id), ritual_job_id(good.id)}
    assert ids == scheduled | HAVEN_JOBS
    assert len([r for r in caplog.records if r.name == "rituals.scheduler"]) == 2


async def test_resync_follows_rituals_added_and_paused_by_another_process(
    session, engine, notifiers
):
    from rituals.scheduler import resync_job

    team = make_team(session)
    first = make_ritual(session, team, "checkin")
    scheduler = build_scheduler(str(engine.url.render_as_string(hide_password=False)))
    scheduler.start(paused=True)
    jobs.install_runtime(jobs.Runtime(engine=engine, notifiers=notifiers, scheduler=scheduler))
    try:
        sync_jobs(scheduler=scheduler, session=session)
        assert SYNC_JOB_ID in {job.id for job in scheduler.get_jobs()}
        second = make_ritual(session, team, "safety_pulse")
        first.paused = True
        session.add(first)
        session.commit()
        await resync_job()
        ritual_jobs = {job.id for job in scheduler.get_jobs() if job.id.startswith("ritual:")}
        assert ritual_jobs == {ritual_job_id(second.id)}
    finally:
        jobs.install_runtime(None)
        scheduler.shutdown(wait=False)
        await asyncio.sleep(0)


# --- the event loop while jobs fall due ---------------------------------------------------------


async def test_a_long_pass_over_due_jobs_leaves_the_event_loop_free(
    new_scheduler, session, runtime, monkeypatch
):
    """A pass over 1,000 due jobs took over a second; run on the loop, /healthz waited for it."""
    ritual = make_ritual(session, make_team(session), "checkin", schedule=CHECKIN)
    scheduler = new_scheduler()
    sync_jobs(scheduler=scheduler, session=session)
    store = scheduler._jobstores["default"]
    read_due = store.get_due_jobs
    passes: list[float] = []

    def slow_read(now):  # type: ignore[no-untyped-def]
        time.sleep(0.6)  # what reading, re-timing and writing a thousand jobs costs
        passes.append(0.6)
        return read_due(now)

    monkeypatch.setattr(store, "get_due_jobs", slow_read)
    loop = asyncio.get_running_loop()
    scheduler.start()
    started = last = loop.time()
    longest_gap, until = 0.0, started + 5  # then until 0.2 s after the first pass
    while loop.time() < until:
        await asyncio.sleep(0.01)
        longest_gap, last = max(longest_gap, loop.time() - last), loop.time()
        if passes and until > last + 0.2:
            until = last + 0.2
    assert passes
    assert longest_gap < 0.3  # the loop kept turning through the 0.6 s pass
    assert scheduler.get_job(ritual_job_id(ritual.id)) is not None  # the pass still did its work
