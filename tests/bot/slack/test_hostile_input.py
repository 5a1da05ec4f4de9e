"""Hostile and malformed requests to POST /slack/events: a clear 4xx or a 200, never a 5xx or a traceback."""

import logging
import time
from typing import Any
from urllib.parse import urlencode

import pytest
from sqlmodel import Session, func, select

from bot.server import create_app
from bot.slack import ids
from storage.models import Answer
from tests.bot.slack.conftest import (
    CHANNEL,
    SlackHarness,
    make_slack_ritual,
    make_slack_team,
    serve,
    slack_settings,
)
from tests.bot.slack.fake_slack import TEAM, FakeSlack

pytestmark = pytest.mark.usefixtures("no_tracebacks")


@pytest.fixture
def no_tracebacks(caplog: pytest.LogCaptureFixture, request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """Fail a test whose requests wrote a traceback, or needed the last-resort guard."""
    caplog.set_level(logging.INFO)
    yield
    records = caplog.get_records("setup") + caplog.get_records("call")
    traced = [r for r in records if r.exc_info or "Traceback" in r.getMessage()]
    assert not traced, [r.getMessage() for r in traced]
    if request.node.get_closest_marker("guarded") is None:
        guarded = [r.getMessage() for r in records if r.name == "bot.slack.guard"]
        assert not guarded, guarded


def answers(engine) -> int:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return int(session.exec(select(func.count()).select_from(Answer)).one())


async def open_checkin(slack: SlackHarness) -> int:
    with Session(slack.engine) as session:
        team = make_slack_team(session)
        ritual = make_slack_ritual(session, team, "checkin")
        ritual_id = ritual.id
    return (await slack.open(ritual_id)).id  # type: ignore[return-value]


async def test_an_unsigned_body_that_is_not_utf8_is_refused_with_a_4xx(slack):
    forged = {"X-Slack-Request-Timestamp": str(int(time.time())), "X-Slack-Signature": "v0=00"}
    for _ in range(20):
        response = await slack.post(b"\xff", content_type="application/json", signed=False)
        assert response.status == 401
        response = await slack.post(
            b"\xff", content_type="application/json", signed=False, headers=forged
        )
        assert response.status in (400, 401)


async def test_a_signed_body_that_is_not_utf8_is_refused_with_400(slack):
    response = await slack.post(b"\xff", content_type="application/json")
    assert response.status == 400


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"[1,2,3]", "application/json"),
        (b'"text"', "application/json"),
        (b"payload=%5B%5D", "application/x-www-form-urlencoded"),
        (b"payload=7", "application/x-www-form-urlencoded"),
        (b"[" * 1000 + b"]" * 1000, "application/json"),
        (b"payload=" + b"%5B" * 1000 + b"%5D" * 1000, "application/x-www-form-urlencoded"),
        (b'{"type": "block_actions", "actions": "x"}', "application/json"),
        (b'{"type": "view_submission", "view": []}', "application/json"),
    ],
)
async def test_signed_bodies_of_the_wrong_shape_are_refused_with_400(slack, body, content_type):
    response = await slack.post(body, content_type=content_type)
    assert response.status == 400


@pytest.mark.parametrize(
    ("metadata", "mood"),
    [
        ("{occurrence}", "abc"),
        ("²", "3"),
        ("{occurrence}", "٣"),  # an Arabic-Indic three is a digit to str.isdigit, not a mood
        ("99999999999999999999999", "3"),
        ("{occurrence}", 5),
        ("{occurrence}", ["3"]),
        ("{occurrence}", {"value": "3"}),
        ("{occurrence}", None),
    ],
)
async def test_the_checkin_word_modal_refuses_bad_values_under_the_field(slack, metadata, mood):
    occurrence = await open_checkin(slack)
    payload = {
        "type": "view_submission",
        "team": {"id": TEAM},
        "user": {"id": "U0ANA", "team_id": TEAM},
        "api_app_id": "AHAVEN",
        "trigger_id": "1.trigger",
        "view": {
            "id": "VMODAL",
            "type": "modal",
            "callback_id": ids.CHECKIN_WORD_VIEW,
            "private_metadata": metadata.format(occurrence=occurrence),
            "state": {
                "values": {
                    "mood": {"value": {"type": "radio_buttons", "selected_option": {"value": mood}}}
                }
            },
        },
    }
    response = await slack.interactive(payload)
    assert response.status == 200
    body = await response.json()
    assert body["response_action"] == "errors"
    assert set(body["errors"]) <= {"mood", "word"}
    await slack.settle()
    assert answers(slack.engine) == 0


@pytest.mark.parametrize(
    ("action_id", "value"),
    [
        (f"{ids.CHECKIN_MOOD}_3", 5),
        (f"{ids.CHECKIN_MOOD}_3", ["1:3"]),
        (f"{ids.CHECKIN_MOOD}_3", {"a": 1}),
        (f"{ids.CHECKIN_MOOD}_3", None),
        (f"{ids.CHECKIN_MOOD}_3", "99999999999999999999999:3"),
        (f"{ids.CHECKIN_MOOD}_3", "²:3"),
        (ids.CHECKIN_WORD, "99999999999999999999999"),
        (ids.CHECKIN_WORD, None),
        (ids.FAILURE_SHARE, "123456789012345678901234567890"),
        (ids.FEEDBACK_ANSWER, "123456789012345678901234567890"),
        (f"{ids.PULSE_SCORE}_3", "1:1:99999999999999999999999"),
        (ids.RELAY_REPLY, None),
        (ids.RELAY_REPLY, "x" * 5000),
        (ids.HOME_EDIT, "99999999999999999999999"),
        (ids.HOME_PAUSE, "²"),
        ("haven_digest_commit", "99999999999999999999999:2026-W01"),
    ],
)
async def test_buttons_with_values_haven_never_sent_are_acknowledged_and_explained(
    slack, action_id, value
):
    await open_checkin(slack)
    payload: dict[str, Any] = {
        "type": "block_actions",
        "team": {"id": TEAM},
        "user": {"id": "U0BOSS", "team_id": TEAM},
        "api_app_id": "AHAVEN",
        "trigger_id": "1.trigger",
        "container": {"type": "message", "channel_id": CHANNEL, "message_ts": "1.1"},
        "channel": {"id": CHANNEL},
        "actions": [{"action_id": action_id, "block_id": "b", "type": "button", "value": value}],
    }
    response = await slack.interactive(payload)
    assert response.status == 200
    await slack.settle()
    assert answers(slack.engine) == 0


@pytest.mark.parametrize(
    ("callback_id", "metadata"),
    [
        (ids.FAILURE_STORY_VIEW, "99999999999999999999999"),
        (ids.FEEDBACK_VIEW, "²"),
        (ids.RITUAL_EDIT_VIEW, "99999999999999999999999"),
        (ids.RITUAL_EDIT_VIEW, "abc"),
        (ids.DIGEST_COMMIT_VIEW, "99999999999999999999999:2026-W01"),
        (ids.SETUP_VIEW, ""),
        (ids.RELAY_VIEW, "x" * 3000),
    ],
)
async def test_modals_with_metadata_haven_never_wrote_get_a_clear_error(
    slack, callback_id, metadata
):
    payload = {
        "type": "view_submission",
        "team": {"id": TEAM},
        "user": {"id": "U0BOSS", "team_id": TEAM},
        "api_app_id": "AHAVEN",
        "trigger_id": "1.trigger",
        "view": {
            "id": "VMODAL",
            "type": "modal",
            "callback_id": callback_id,
            "private_metadata": metadata,
            "state": {"values": {"schedule": {"value": {"type": "plain_text_input", "value": 7}}}},
        },
    }
    response = await slack.interactive(payload)
    assert response.status == 200
    body = await response.json()
    assert body["response_action"] in ("errors", "update")


@pytest.mark.guarded
async def test_haven_help_answers_when_the_slack_web_api_is_unreachable(database_url, engine):
    fake = await FakeSlack().start()
    settings = slack_settings(database_url, fake)
    await fake.close()  # nothing listens there any more
    app = create_app(
        settings=settings,
        engine=engine,
        schedule=False,
    )
    client = await serve(app)
    try:
        harness = SlackHarness(client=client, fake=fake, app=app, engine=engine)
        body = urlencode(
            {"command": "/haven", "text": "help", "team_id": TEAM, "channel_id": CHANNEL}
            | {"user_id": "U0ANA", "trigger_id": "1.t", "api_app_id": "AHAVEN"}
        ).encode()
        response = await harness.post(body, content_type="application/x-www-form-urlencoded")
        assert response.status == 200
        assert "Slack" in (await response.text())
    finally:
        await client.close()


WORKFLOW_STEP = {
    "workflow_id": "Wf0123",
    "step_id": "a1b2",
    "inputs": {"taskName": {"value": "x"}},
    "outputs": [],
}


@pytest.mark.parametrize(
    "payload",
    [
        {
            "type": "workflow_step_edit",
            "token": "legacy",
            "action_ts": "1.1",
            "team": {"id": TEAM, "domain": "haven"},
            "user": {"id": "U0ANA", "username": "ana", "team_id": TEAM},
            "callback_id": "copy_review",
            "trigger_id": "1.trigger",
            "workflow_step": WORKFLOW_STEP,
        },
        {
            "type": "view_submission",
            "team": {"id": TEAM, "domain": "haven"},
            "user": {"id": "U0ANA", "username": "ana", "team_id": TEAM},
            "api_app_id": "AHAVEN",
            "token": "legacy",
            "trigger_id": "1.trigger",
            "view": {
                "id": "V1",
                "team_id": TEAM,
                "type": "workflow_step",
                "blocks": [],
                "private_metadata": "",
                "callback_id": "copy_review",
                "state": {"values": {}},
                "hash": "1.a",
                "submit_disabled": False,
            },
            "workflow_step": {"workflow_step_edit_id": "1.2", **WORKFLOW_STEP},
        },
        {"type": "some_future_payload", "team": {"id": TEAM}, "user": {"id": "U0ANA"}},
        {"type": "message_action", "callback_id": "x", "team": {"id": TEAM}, "user": {}},
    ],
)
async def test_deprecated_and_unknown_payload_types_are_acknowledged_and_ignored(slack, payload):
    response = await slack.interactive(payload)
    assert response.status == 200


async def test_an_event_with_a_strange_shape_is_acknowledged(slack):
    for event in ({"type": "message", "channel": 7, "thread_ts": ["x"], "user": None}, {}):
        response = await slack.event(event)
        assert response.status in (200, 400)
    response = await slack.event({"type": "app_home_opened", "user": 5, "tab": "home"})
    assert response.status == 400
