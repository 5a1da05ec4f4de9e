"""While a Slack request waits on a slow database, /healthz and other requests still answer fast."""

from collections.abc import Awaitable, Callable

import pytest

from tests.bot.slack.conftest import SlackHarness, make_slack_ritual, make_slack_team
from tests.slow_database import Observed, assert_the_loop_never_waited, on_a_slow_database


async def slowly(slack: SlackHarness, request: Awaitable[object]) -> Observed:
    """Run the request, and what follows its ack, on a slow database."""

    async def and_after_the_ack() -> None:
        await request
        await slack.settle(timeout=30)  # what runs after the ack uses the database too

    return await on_a_slow_database(
        client=slack.client, engine=slack.engine, request=and_after_the_ack()
    )


Request = Callable[[SlackHarness, int], Awaitable[object]]


async def status_command(slack: SlackHarness, _occurrence_id: int) -> object:
    return await slack.command(user="U0BOSS", text="status")


async def home_opened(slack: SlackHarness, _occurrence_id: int) -> object:
    return await slack.event({"type": "app_home_opened", "user": "U0BOSS", "tab": "home"})


async def feedback_clicked(slack: SlackHarness, occurrence_id: int) -> object:
    return await slack.action(
        user="U0ANA", action_id="haven_feedback_answer", value=str(occurrence_id)
    )


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
    assert_the_loop_never_waited(await slowly(slack, request_under_test(slack, occurrence.id)))
