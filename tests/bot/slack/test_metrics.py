"""GET /metrics: Prometheus text with answers recorded, messages sent, retries, lag and latency."""

from datetime import UTC, datetime, timedelta

from prometheus_client import REGISTRY

from bot.server import STATE
from tests.bot.slack.conftest import make_slack_ritual, make_slack_team


def value(name: str, **labels: str) -> float:
    """Return a sample's current value (0 when it has not been observed yet)."""
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def test_metrics_count_answers_messages_retries_and_request_latency(slack, session):
    ritual = make_slack_ritual(session, make_slack_team(session), "checkin", mode="private")
    before = {
        "recorded": value("haven_answers_recorded_total", kind="checkin"),
        "prompts": value("haven_messages_sent_total", platform="slack", method="chat.postMessage"),
        "retries": value("haven_send_retries_total", platform="slack"),
        "clicks": value("haven_request_seconds_count", route="/slack/events", status="2xx"),
    }
    slack.fake.rate_limit("chat.postMessage", times=1, retry_after=0)
    occurrence = await slack.open(ritual.id)  # the prompt: one 429, then sent
    await slack.action(user="U0ANA", action_id="haven_checkin_mood_4", value=f"{occurrence.id}:4")
    await slack.settle()

    response = await slack.client.get("/metrics")
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    text = await response.text()
    for name in (
        "haven_answers_recorded_total",
        "haven_messages_sent_total",
        "haven_send_retries_total",
        "haven_request_seconds_bucket",
        "haven_scheduler_running",
    ):
        assert name in text
    assert value("haven_answers_recorded_total", kind="checkin") == before["recorded"] + 1
    assert (
        value("haven_messages_sent_total", platform="slack", method="chat.postMessage")
        == before["prompts"] + 1
    )
    assert value("haven_send_retries_total", platform="slack") == before["retries"] + 1
    assert (
        value("haven_request_seconds_count", route="/slack/events", status="2xx")
        == before["clicks"] + 1
    )


async def test_the_scheduler_lag_is_observed_for_every_job_it_starts(database_url, notifiers):
    from aiohttp.test_utils import TestClient, TestServer

    from bot.server import create_app
    from bot.settings import Settings

    app = create_app(settings=Settings(DATABASE_URL=database_url), notifiers=notifiers)
    client = TestClient(TestServer(app))
    await client.start_server()
    try:
        observed = value("haven_scheduler_lag_seconds_count")
        late = datetime.now(UTC) - timedelta(seconds=3)
        app[STATE].scheduler.add_job(print, next_run_time=late, id="late", args=["late job"])
        for _ in range(100):
            if value("haven_scheduler_lag_seconds_count") > observed:
                break
            await client.get("/healthz")  # lets the loop run the scheduler
        assert value("haven_scheduler_lag_seconds_count") == observed + 1
        assert value("haven_scheduler_lag_seconds_sum") >= 3
        assert value("haven_scheduler_running") == 1
    finally:
        await client.close()
    assert value("haven_scheduler_running") == 0
