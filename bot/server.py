"""One aiohttp app: health, platform endpoints and the scheduler, in one event loop."""

import asyncio
import logging
from dataclasses import dataclass, field

from aiohttp import web
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

from bot.chart import chart_alt_text, render_chart
from bot.console.notifier import ConsoleNotifier
from bot.platforms import Notifiers
from bot.settings import Settings
from bot.web.mount import mount_dashboard
from rituals import jobs
from rituals.digest_delivery import install_chart_renderer
from rituals.scheduler import build_scheduler, sync_jobs
from storage.db import get_engine, normalize_url, session_scope
from storage.leader_lock import LockHeld, release, try_acquire
from storage.migrate import upgrade

log = logging.getLogger(__name__)
STATE = web.AppKey("state", "ServerState")


@dataclass
class ServerState:
    """What the running server holds: database, platforms, scheduler and the scheduler lock."""

    settings: Settings
    engine: Engine
    notifiers: Notifiers
    scheduler: AsyncIOScheduler | None = None
    lock: Connection | None = None
    notes: list[str] = field(default_factory=list)


async def healthz(request: web.Request) -> web.Response:
    """Report whether the database answers, which platforms are on and whether this process schedules."""
    state = request.app[STATE]
    try:
        with state.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        database = "ok"
    except Exception as error:  # the check must answer even when the database does not
        database = f"error: {type(error).__name__}"
    scheduling = bool(state.scheduler and state.scheduler.running)
    body = {
        "status": "ok" if database == "ok" else "degraded",
        "database": database,
        "platforms": state.notifiers.platforms,
        "scheduler": "running" if scheduling else "standby",
    }
    return web.json_response(body, status=200 if database == "ok" else 503)


async def start_scheduler(app: web.Application) -> None:
    """Start the scheduler in this loop if this process wins the scheduler lock."""
    state = app[STATE]
    runtime = jobs.Runtime(engine=state.engine, notifiers=state.notifiers)
    jobs.install_runtime(runtime)
    install_chart_renderer(lambda document: (render_chart(document), chart_alt_text(document)))
    try:
        state.lock = try_acquire(state.engine)
    except LockHeld:
        log.info("another process schedules; this one serves HTTP only")
        return
    state.scheduler = runtime.scheduler = build_scheduler(state.settings.database_url)
    with session_scope(state.engine) as session:
        scheduled = sync_jobs(scheduler=state.scheduler, session=session)
    state.scheduler.start()
    log.info("scheduler started with %d ritual job(s)", len(scheduled))


async def stop_scheduler(app: web.Application) -> None:
    """Stop the scheduler and give back the lock."""
    state = app[STATE]
    if state.scheduler is not None and state.scheduler.running:
        state.scheduler.shutdown(wait=False)
        await asyncio.sleep(0)  # APScheduler 3.11 finishes shutting down on the loop's next turn
    release(state.lock)
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
    engine = engine or get_engine(normalize_url(settings.database_url))
    # Slack and Teams register their notifiers when mount_platforms mounts them.
    notifiers = notifiers or Notifiers(by_platform={"console": ConsoleNotifier()})
    state = ServerState(settings=settings, engine=engine, notifiers=notifiers)
    app = web.Application(client_max_size=1024 * 1024)
    app[STATE] = state
    app.router.add_get("/healthz", healthz)
    mount_platforms(app=app, state=state)
    mount_dashboard(app=app, state=state)
    if schedule:
        app.on_startup.append(start_scheduler)
        app.on_cleanup.append(stop_scheduler)
    return app


def run_server(*, settings: Settings, port: int | None = None) -> None:
    """Migrate the database, say which platforms are on, and serve until interrupted."""
    upgrade(settings.database_url)
    app = create_app(settings=settings)
    platforms = ", ".join(app[STATE].notifiers.platforms)
    port = settings.port if port is None else port
    log.info("Haven listening on port %d; platforms on: %s", port, platforms)
    web.run_app(app, port=port, print=None, access_log=access_logger(settings))


def access_logger(settings: Settings) -> logging.Logger | None:
    """Return aiohttp's access logger when HAVEN_ACCESS_LOG asks for one line per request."""
    return logging.getLogger("aiohttp.access") if settings.access_log else None
