"""The HTTP edge: signatures, stale and malformed requests, unknown actions, retries and replays."""

import json
import time

from sqlmodel import Session, select

from storage.models import Answer, Story
from tests.bot.slack.conftest import CHANNEL, make_slack_ritual, make_slack_team


def count(engine, model) -> int:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return len(session.exec(select(model)).all())


async def test_url_verification_answers_the_challenge(slack):
    body = json.dumps(
        {
            "token": "t",
            "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
            "type": "url_verification",
        }
    )
    response = await slack.post(body.encode(), content_type="application/json")
    assert response.status == 200
    assert (await response.json())["challenge"].startswith("3eZbrw1a")


async def test_unsigned_badly_signed_and_stale_requests_get_401_and_change_nothing(slack, session):
    ritual = make_slack_ritual(session, make_slack_team(session), "checkin")
    occurrence = await slack.open(ritual.id)
    calls_before = len(slack.fake.calls)
    payload = {
        "type": "block_actions",
        "user": {"id": "U0ANA"},
        "team": {"id": "T0HAVEN"},
        "channel": {"id": CHANNEL},
        "actions": [
            {"action_id": "haven_checkin_mood_4", "value": f"{occurrence.id}:4", "type": "button"}
        ],
    }
    body = ("payload=" + json.dumps(payload)).encode()
    form = "application/x-www-form-urlencoded"
    unsigned = await slack.post(body, content_type=form, signed=False)
    wrong = await slack.post(
        body, content_type=form, headers={"X-Slack-Signature": "v0=" + "0" * 64}
    )
    stale = await slack.post(body, content_type=form, timestamp=int(time.time()) - 6 * 60)
    garbage_stamp = await slack.post(
        body, content_type=form, headers={"X-Slack-Request-Timestamp": "soon"}
    )
    assert [r.status for r in (unsigned, wrong, stale, garbage_stamp)] == [401, 401, 401, 401]
    await slack.settle()
    assert count(slack.engine, Answer) == 0
    assert len(slack.fake.calls) == calls_before


async def test_a_request_signed_four_minutes_ago_is_still_accepted(slack, session):
    ritual = make_slack_ritual(session, make_slack_team(session), "checkin")
    occurrence = await slack.open(ritual.id)
    payload = {
        "type": "block_actions",
        "user": {"id": "U0ANA", "team_id": "T0HAVEN"},
        "team": {"id": "T0HAVEN"},
        "channel": {"id": CHANNEL},
        "trigger_id": "1.2",
        "actions": [
            {"action_id": "haven_checkin_mood_4", "value": f"{occurrence.id}:4", "type": "button"}
        ],
    }
    from urllib.parse import urlencode

    body = urlencode({"payload": json.dumps(payload)}).encode()
    response = await slack.post(
        body, content_type="application/x-www-form-urlencoded", timestamp=int(time.time()) - 4 * 60
    )
    assert response.status == 200
    await slack.settle()
    assert count(slack.engine, Answer) == 1


async def test_malformed_json_is_refused_with_400(slack):
    broken = await slack.post(
        b'{"type": "event_callback", "event": ', content_type="application/json"
    )
    broken_payload = await slack.post(
        b"payload=%7Bnot-json", content_type="application/x-www-form-urlencoded"
    )
    assert (broken.status, broken_payload.status) == (400, 400)
    assert (await slack.client.get("/healthz")).status == 200


async def test_unknown_action_ids_and_views_are_acknowledged_and_ignored(slack, session):
    ritual = make_slack_ritual(session, make_slack_team(session), "checkin")
    occurrence = await slack.open(ritual.id)
    calls_before = len(slack.fake.calls)
    response = await slack.action(
        user="U0ANA", action_id="someone_elses_button", value=f"{occurrence.id}:4"
    )
    view = await slack.submit(user="U0ANA", callback_id="not_haven", private_metadata="", values={})
    forged = await slack.action(user="U0ANA", action_id="haven_checkin_mood_4", value="drop table")
    assert (response.status, view.status, forged.status) == (200, 200, 200)
    await slack.settle()
    assert count(slack.engine, Answer) == 0
    new_calls = [c.method for c in slack.fake.calls[calls_before:] if c.method != "auth.test"]
    assert new_calls == ["chat.postEphemeral"]  # only the forged value gets a word back
    assert "not one of Haven's" in slack.fake.calls[-1].args["text"]


async def test_slack_retries_and_replayed_event_ids_record_a_story_once(slack, session):
    ritual = make_slack_ritual(session, make_slack_team(session), "failure_celebration")
    occurrence = await slack.open(ritual.id)
    reply = {
        "type": "message",
        "channel": CHANNEL,
        "user": "U0ANA",
        "text": "I shipped on a Friday.",
        "ts": "1767000100.000200",
        "thread_ts": occurrence.message_ref,
        "event_ts": "1767000100.000200",
        "channel_type": "channel",
    }
    first = await slack.event(reply, event_id="Ev0RETRY")
    retry = await slack.event(reply, event_id="Ev0RETRY", retry_num=1)
    replay = await slack.event(reply, event_id="Ev0RETRY")
    assert [r.status for r in (first, retry, replay)] == [200, 200, 200]
    await slack.settle()
    assert count(slack.engine, Story) == 1
    # the same message under a new event id (Slack re-sent it) is still one story
    await slack.event(reply, event_id="Ev0OTHER")
    await slack.settle()
    assert count(slack.engine, Story) == 1
