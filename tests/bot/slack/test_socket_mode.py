"""Socket Mode: with SLACK_APP_TOKEN Haven connects out to Slack instead of taking HTTP requests."""

from collections.abc import AsyncIterator

import pytest
from sqlmodel import Session, select

from bot.server import create_app
from storage.models import Answer, Story
from tests.bot.slack.conftest import (
    BOT_USER,
    CHANNEL,
    SlackHarness,
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


@pytest.fixture
async def socket_mode(database_url, engine, fake_slack) -> AsyncIterator[SlackHarness]:  # type: ignore[no-untyped-def]
    """Serve Haven in Socket Mode against the fake; requests arrive as envelopes."""
    settings = slack_settings(
        database_url, fake_slack, SLACK_APP_TOKEN="xapp-1-test", SLACK_SIGNING_SECRET=""
    )
    app = create_app(settings=settings, engine=engine, schedule=False)
    client = await serve(app)
    harness = SlackHarness(client=client, fake=fake_slack, app=app, engine=engine)
    yield harness
    await harness.settle()
    await client.close()


async def test_socket_mode_answers_a_slash_command_in_its_acknowledgement(socket_mode):
    form = {
        "token": "legacy-token",
        "team_id": TEAM,
        "team_domain": "haven-test",
        "channel_id": CHANNEL,
        "channel_name": "platform-team",
        "user_id": "U0ANA",
        "user_name": "ana",
        "command": "/haven",
        "text": "help",
        "api_app_id": "AHAVEN",
        "is_enterprise_install": "false",
        "response_url": "https://hooks.slack.com/commands/T/1/x",
        "trigger_id": "1.2.trigger",
    }
    ack = await socket_mode.fake.push_envelope(
        {
            "envelope_id": "env-cmd",
            "type": "slash_commands",
            "payload": form,
            "accepts_response_payload": True,
        }
    )
    text = ack["payload"].get("text", "") + str(ack["payload"].get("blocks", ""))
    assert "/haven setup" in text and "/haven rituals" in text


def event_payload(event: dict, event_id: str) -> dict:  # type: ignore[type-arg]
    """Return an events_api envelope's payload, as Slack sends it over the socket."""
    return {
        "token": "legacy-token",
        "team_id": TEAM,
        "api_app_id": "AHAVEN",
        "type": "event_callback",
        "event_id": event_id,
        "event_time": 1767000200,
        "authorizations": [
            {"team_id": TEAM, "user_id": BOT_USER, "is_bot": True, "is_enterprise_install": False}
        ],
        "event": event,
    }


async def deliver(harness: SlackHarness, payload: dict, envelope_id: str, attempt: int = 0) -> None:  # type: ignore[type-arg]
    """Push an events_api envelope, check its acknowledgement, and let the listeners finish."""
    ack = await harness.fake.push_envelope(
        {
            "envelope_id": envelope_id,
            "type": "events_api",
            "payload": payload,
            "accepts_response_payload": False,
            "retry_attempt": attempt,
            "retry_reason": "timeout" if attempt else "",
        }
    )
    assert ack["envelope_id"] == envelope_id
    await harness.settle()


async def test_socket_mode_events_are_handled_once_even_when_redelivered(socket_mode, session):
    ritual = make_slack_ritual(session, make_slack_team(session), "failure_celebration")
    occurrence = await socket_mode.open(ritual.id)
    story = {
        "type": "message",
        "channel": CHANNEL,
        "user": "U0ANA",
        "text": "Deployed on a Friday and learned why we freeze",
        "ts": "1767000200.000100",
        "thread_ts": occurrence.message_ref,
        "event_ts": "1767000200.000100",
        "channel_type": "channel",
    }
    await deliver(socket_mode, event_payload(story, "EvSTORY"), "env-1")
    reaction = {
        "type": "reaction_added",
        "user": "U0BEN",
        "reaction": "tada",
        "item": {"type": "message", "channel": CHANNEL, "ts": "1767000200.000100"},
        "item_user": "U0ANA",
        "event_ts": "1767000300.000100",
    }
    await deliver(socket_mode, event_payload(reaction, "EvTADA"), "env-2")
    await deliver(socket_mode, event_payload(reaction, "EvTADA"), "env-3", attempt=1)
    with Session(socket_mode.engine) as check:
        (recorded,) = check.exec(select(Story)).all()
    assert (recorded.message_ref, recorded.reactions) == ("1767000200.000100", 1)
