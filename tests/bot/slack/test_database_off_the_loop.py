"""While a Slack request waits on a slow database, /healthz and other requests still answer fast."""

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from tests.bot.slack.conftest import SlackHarness, make_slack_ritual, make_slack_team

SLOW = 0.75  # seconds every statement of the request under test waits in the database
FAST = 0.45  # what /healthz may take meanwhile: well under one slow statement


@contextmanager
def slow_database(engine: Engine) -> Iterator[None]:
    """Make every statement but the health ping wait SLOW seconds, as a database under load does."""

    def wait(_conn, _cursor, statement: str, *_args) -> None:  # type: ignore[no-untyped-def]
        if statement.strip() != "SELECT 1":
            time.sleep(SLOW)

    event.listen(engine, "before_cursor_execute", wait)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", wait)


async def slowest_health_check_while(slack: SlackHarness, request: Awaitable[object]) -> float:
    """Run the request; meanwhile ask /healthz back to back; return the slowest answer.

    One health check is always in flight, so any stall of the event loop delays one of them.
    """
    await (await slack.client.get("/healthz")).read()  # the first ping has answered
    with slow_database(slack.engine):
        task = asyncio.ensure_future(request)
        slowest = 0.0
        while not task.done():
            started = time.perf_counter()
            await (await slack.client.get("/healthz")).read()
            slowest = max(slowest, time.perf_counter() - started)
        await task
        await slack.settle(timeout=30)
    return slowest


Request = Callable[[SlackHarness, int], Awaitable[object]]


async def status_command(slack: SlackHarness, _occurrence_id: int) -> object:
    return await slack.command(user="U0BOSS", text="status")


async def home_opened(slack: SlackHarness, _occurrence_id: int) -> object:
    response = await slack.event({"type": "app_home_opened", "user": "U0BOSS", "tab": "home"})
    await slack.settle(timeout=30)  # the Home tab is built after the ack
    return response


async def feedback_clicked(slack: SlackHarness, occurrence_id: int) -> object:
    response = await slack.action(
        user="U0ANA", action_id="haven_feedback_answer", value=str(occurrence_id)
    )
    await slack.settle(timeout=30)
    return response


async def feedback_submitted(slack: SlackHarness, occurrence_id: int) -> object:
    return await slack.submit(
        user="U0ANA",
        callback_id="haven_feedback_view",
        private_metadata=str(occurrence_id),
        values={"answer": ("plain_text_input", "Say when a plan is a guess.")},
    )


@pytest.mark.parametrize(
    "request_under_test",
    [status_command, home_opened, feedback_clicked, feedback_submitted],
    ids=lambda request: request.__name__,
)
async def test_a_slow_database_never_holds_up_the_event_loop(
    slack: SlackHarness, session, request_under_test: Request
):
    ritual = make_slack_ritual(session, make_slack_team(session), "anonymous_feedback")
    occurrence = await slack.open(ritual.id)
    assert occurrence.id is not None
    slowest = await slowest_health_check_while(slack, request_under_test(slack, occurrence.id))
    assert slowest < FAST, f"/healthz took {slowest:.2f} s while the request used the database"
