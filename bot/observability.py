"""GET /metrics in Prometheus format, the latency of every request, and the scheduler's lag."""

import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from aiohttp import web
from apscheduler.events import EVENT_JOB_SUBMITTED, JobSubmissionEvent
from apscheduler.schedulers.base import BaseScheduler
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from rituals.metrics import REQUEST_SECONDS, SCHEDULER_LAG

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


async def metrics(_request: web.Request) -> web.Response:
    """Return every Haven metric in Prometheus' text format."""
    return web.Response(body=generate_latest(), headers={"Content-Type": CONTENT_TYPE_LATEST})


@web.middleware
async def timed(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Observe how long each request took, by route (never by path: paths can hold ids)."""
    started = time.perf_counter()
    status = 500
    try:
        response = await handler(request)
        status = response.status
        return response
    except web.HTTPException as error:
        status = error.status
        raise
    finally:
        route = request.match_info.route.resource
        name = route.canonical if route is not None else "unmatched"
        REQUEST_SECONDS.labels(route=name, status=f"{status // 100}xx").observe(
            time.perf_counter() - started
        )


def watch_lag(scheduler: BaseScheduler) -> None:
    """Observe, for every job the scheduler starts, how long after its due time it started."""

    def observe(event: JobSubmissionEvent) -> None:
        if event.scheduled_run_times:
            due = max(event.scheduled_run_times)
            SCHEDULER_LAG.observe(max(0.0, (datetime.now(UTC) - due).total_seconds()))

    scheduler.add_listener(observe, EVENT_JOB_SUBMITTED)
