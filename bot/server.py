"""One aiohttp app: health, platform endpoints and the scheduler, in one event loop."""

import asyncio
import contextlib
import gc
import logging
import os
import socket
from dataclasses import dataclass, field

from aiohttp import web
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.engine import Connection, Engine

from bot.chart import chart_alt_text, render_chart
from bot.console.notifier import ConsoleNotifier
from bot.database_watch import DatabaseWatch
from bot.guard_secret import install_from_settings
from bot.http_guard import answer_failures
from bot.observability import metrics, timed
from bot.outbox_worker import OutboxWorker
from bot.platforms import Notifiers
from bot.scheduler_duty import claim_scheduler, keep_watch, scheduler_holder
from bot.settings import Settings
from bot.web.mount import mount_dashboard
from rituals import jobs
from rituals.clock import utcnow
from rituals.digest_delivery import install_chart_renderer
from rituals.errors import HavenError
from rituals.metrics import SCHEDULING
from rituals.outbox import install_dispatcher
from storage.db import get_engine, normalize_url
from storage.leader_lock import release
from storage.migrate import pending_migrations, upgrade
from storage.outbox_leases import outbox_counts
from storage.single_process import DatabaseInUse, claim_sqlite_file

log = logging.getLogger(__name__)
STATE = web.AppKey("state", "ServerState")
READY_SECONDS = 1.0  # /readyz answers within this, with 503 when the database has not


@dataclass
class ServerState:
    """What the running server holds: database, platforms, scheduler and the scheduler lock."""

    settings: Settings
    engine: Engine
    notifiers: Notifiers
    scheduler: AsyncIOScheduler | None = None
    lock: Connection | None = None
    notes: list[str] = field(default_factory=list)
    replica: str = field(default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}")
    watch: "asyncio.Task[None] | None" = None  # takes the scheduler over, or gives it up
    outbox: OutboxWorker | None = None
    outbox_task: "asyncio.Task[None] | None" = None
    readiness: "asyncio.Task[tuple[dict[str, object], bool]] | None" = None  # the check in flight
    database: DatabaseWatch = field(init=False)

    def __post_init__(self) -> None:
        self.database = DatabaseWatch(self.engine)


async def healthz(request: web.Request) -> web.Response:
    """Report whether the database answers, which platforms are on and whether this process schedules."""
    state = request.app[STATE]
    database = await state.database.current()
    scheduling = bool(state.scheduler and state.scheduler.running)
    body = {
        "status": "ok" if database == "ok" else "degraded",
        "database": database,
        "platforms": state.notifiers.platforms,
        "scheduler": "running" if scheduling else "standby",
    }
    return web.json_response(body, status=200 if database == "ok" else 503)


async def readyz(request: web.Request) -> web.Response:
    """Say whether this replica can serve: the database answers and its migrations are current.

    Answers within READY_SECONDS whatever the database does; one check runs at a time, so a
    hanging database holds at most one worker thread for readiness.
    """
    state = request.app[STATE]
    if state.readiness is None or state.readiness.done():
        state.readiness = asyncio.create_task(readiness(state))
    done, _ = await asyncio.wait([state.readiness], timeout=READY_SECONDS)
    if done:
        body, ready = state.readiness.result()
    else:
        body = {
            "replica": state.replica,
            "database": f"error: no answer within {READY_SECONDS:g} s",
            "status": "not ready",
        }
        ready = False
    return web.json_response(body, status=200 if ready else 503)


async def readiness(state: ServerState) -> tuple[dict[str, object], bool]:
    """Return the readiness body and whether this replica is ready."""
    database = await state.database.current()
    body: dict[str, object] = {"replica": state.replica, "database": database}
    ready = database == "ok"
    if ready:
        try:
            pending, holder = await asyncio.to_thread(
                lambda: (pending_migrations(state.engine), scheduler_holder(state))
            )
        except Exception as error:  # a readiness check answers, whatever the database does
            pending, holder = None, None
            body["database"] = f"error: {type(error).__name__}"
            ready = False
        body["migrations"] = (
            "unknown"
            if pending is None
            else "current"
            if not pending
            else "pending: " + ", ".join(pending)
        )
        ready = ready and pending == []
        if ready:  # failed and in-doubt messages are shown, not a reason to stop serving
            body["outbox"] = await outbox_state(state)
        body["scheduler"] = {
            "this_replica": "running" if holder == state.replica else "standby",
            "held_by": holder,
        }
    body["status"] = "ready" if ready else "not ready"
    return body, ready


async def start_outbox(app: web.Application) -> None:
    """Start this replica's outbox worker; ritual steps then only wake it, never send inline."""
    state = app[STATE]
    state.outbox = OutboxWorker(
        engine=state.engine,
        notifiers=state.notifiers,
        replica=state.replica,
        relay_key=state.settings.relay_key_bytes,
        claim_seconds=state.settings.outbox_claim_seconds,
    )
    install_dispatcher(state.outbox.dispatcher)
    state.outbox_task = asyncio.create_task(state.outbox.run())


async def stop_outbox(app: web.Application) -> None:
    """Stop the outbox worker; what it had not sent waits in the database for the next start."""
    state = app[STATE]
    install_dispatcher(None)
    if state.outbox_task is not None:
        state.outbox_task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await state.outbox_task


async def outbox_state(state: ServerState) -> dict[str, float] | str:
    """Return the outbox's pending, failed and in-doubt counts and its oldest pending age."""
    try:
        return await asyncio.wait_for(
            asyncio.to_thread(outbox_counts, state.engine, now=utcnow()), timeout=READY_SECONDS
        )
    except Exception as error:
        return f"error: {type(error).__name__}"


async def start_scheduler(app: web.Application) -> None:
    """Start the scheduler in this loop if this process wins the scheduler lock, else stand by."""
    state = app[STATE]
    runtime = jobs.Runtime(
        engine=state.engine, notifiers=state.notifiers, privacy=state.settings.privacy_policy
    )
    jobs.install_runtime(runtime)
    install_chart_renderer(lambda document: (render_chart(document), chart_alt_text(document)))
    if not await claim_scheduler(state):
        log.info(
            "another replica schedules; this one serves HTTP and retries every %g s",
            state.settings.scheduler_retry_seconds,
        )
    if state.engine.dialect.name == "postgresql":  # SQLite serves one process: nothing to watch
        state.watch = asyncio.create_task(keep_watch(state))


async def stop_scheduler(app: web.Application) -> None:
    """Stop the scheduler (or the wait for it) and give back the lock."""
    state = app[STATE]
    if state.watch is not None:
        state.watch.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await state.watch
    if state.scheduler is not None and state.scheduler.running:
        state.scheduler.shutdown(wait=False)
        await asyncio.sleep(0)  # APScheduler 3.11 finishes shutting down on the loop's next turn
    release(state.lock)
    SCHEDULING.set(0)
    jobs.install_runtime(None)
    install_chart_renderer(None)


def mount_platforms(*, app: web.Application, state: ServerState) -> None:
    """Add the endpoints of every platform whose settings are present."""
    if state.settings.slack_enabled:
        from bot.slack.mount import mount_slack

        mount_slack(app=app, state=state)
    if state.settings.teams_enabled:
        from bot.teams.mount import mount_teams

        mount_teams(app=app, state=state)


def create_app(
    *,
    settings: Settings,
    engine: Engine | None = None,
    notifiers: Notifiers | None = None,
    schedule: bool = True,
) -> web.Application:
    """Build the application; with schedule=False no scheduler runs (used by HTTP-only tests)."""
    engine = engine or get_engine(
        normalize_url(settings.database_url), pool_size=settings.database_pool_size
    )
    # Slack and Teams register their notifiers when mount_platforms mounts them.
    notifiers = notifiers or Notifiers(by_platform={"console": ConsoleNotifier()})
    state = ServerState(settings=settings, engine=engine, notifiers=notifiers)
    app = web.Application(client_max_size=1024 * 1024, middlewares=[answer_failures, timed])
    app[STATE] = state
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics)
    mount_platforms(app=app, state=state)
    install_from_settings(settings)  # before any request: anonymous answers need the guard secret
    mount_dashboard(app=app, state=state)
    if schedule:
        app.on_startup.append(start_outbox)
        app.on_startup.append(start_scheduler)
        app.on_cleanup.append(stop_scheduler)
        app.on_cleanup.append(stop_outbox)
    return app


TURN_ON = {
    "slack": "Slack is off: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN for "
    "Socket Mode) to turn it on; see docs/slack.md",
    "teams": "Teams is off: set MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD (or HAVEN_TEAMS_DEV=1 "
    "for the Bot Framework Emulator) to turn it on; see docs/teams.md",
}


def run_server(*, settings: Settings, port: int | None = None, host: str | None = None) -> None:
    """Migrate the database, say which platforms are on and how to turn the others on, and serve."""
    try:
        claim = claim_sqlite_file(normalize_url(settings.database_url))
    except DatabaseInUse as error:
        raise HavenError(str(error)) from None
    upgrade(settings.database_url)
    app = create_app(settings=settings)
    state = app[STATE]
    port = settings.port if port is None else port
    host = host or settings.host
    platforms = ", ".join(state.notifiers.platforms)
    log.info("Haven listening on http://%s:%d; platforms on: %s", host, port, platforms)
    for note in state.notes:
        log.info("%s", note)
    for platform, how in TURN_ON.items():
        if platform not in state.notifiers.platforms:
            log.info("%s", how)
    app.on_startup.append(freeze_start_up_heap)  # last: after everything start-up builds
    try:
        web.run_app(app, host=host, port=port, print=None, access_log=access_logger(settings))
    finally:
        if claim is not None:
            claim.close()


async def freeze_start_up_heap(_app: web.Application) -> None:
    """Leave what start-up built out of every later garbage collection.

    Haven's libraries make a few hundred thousand long-lived objects; a full collection that
    walks them all stops the event loop for over 100 ms, which a click waiting for its
    acknowledgement feels. Frozen, they are left alone; what requests make is collected as usual.
    """
    gc.collect()
    gc.freeze()


def access_logger(settings: Settings) -> logging.Logger | None:
    """Return aiohttp's access logger when HAVEN_ACCESS_LOG asks for one line per request."""
    return logging.getLogger("aiohttp.access") if settings.access_log else None
