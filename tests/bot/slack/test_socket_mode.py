"""Socket Mode: with SLACK_APP_TOKEN Haven connects out to Slack instead of taking HTTP requests."""

from sqlmodel import Session, select

from bot.server import create_app
from storage.models import Answer
from tests.bot.slack.conftest import (
    CHANNEL,
    make_slack_ritual,
    make_slack_team,
    serve,
    slack_settings,
)
from tests.bot.slack.fake_slack import TEAM


async def test_socket_mode_receives_a_click_and_acknowledges_it(database_url, engine, fake_slack):
    settings = slack_settings(
        database_url, fake_slack, SLACK_APP_TOKEN="xapp-1-test", SLACK_SIGNING_SECRET=""
    )
    app = create_app(settings=settings, engine=engine, schedule=False)
    client = await serve(app)
    try:
        (opened,) = fake_slack.calls_to("apps.connections.open")
        assert opened.token == "xapp-1-test"
        assert (await client.post("/slack/events", data=b"{}")).status in (404, 405)
        with Session(engine, expire_on_commit=False) as session:
            ritual = make_slack_ritual(session, make_slack_team(session), "checkin")
        from tests.bot.slack.conftest import SlackHarness

        harness = SlackHarness(client=client, fake=fake_slack, app=app, engine=engine)
        occurrence = await harness.open(ritual.id)
        payload = {
            "type": "block_actions",
            "user": {"id": "U0ANA", "username": "ana", "name": "ana", "team_id": TEAM},
            "api_app_id": "AHAVEN",
            "token": "legacy-token",
            "container": {
                "type": "message",
                "message_ts": occurrence.message_ref,
                "channel_id": CHANNEL,
            },
            "trigger_id": "1.2.3",
            "team": {"id": TEAM, "domain": "haven-test"},
            "channel": {"id": CHANNEL, "name": "team"},
            "actions": [
                {
                    "action_id": "haven_checkin_mood_5",
                    "block_id": "b",
                    "value": f"{occurrence.id}:5",
                    "type": "button",
                    "action_ts": "1.2",
                }
            ],
        }
        ack = await fake_slack.push_envelope(
            {
                "envelope_id": "env-1",
                "type": "interactive",
                "payload": payload,
                "accepts_response_payload": False,
                "retry_attempt": 0,
                "retry_reason": "",
            }
        )
        assert ack["envelope_id"] == "env-1"
        await harness.settle()
        with Session(engine) as session:
            (answer,) = session.exec(select(Answer)).all()
        assert answer.mood == 5
    finally:
        await client.close()
