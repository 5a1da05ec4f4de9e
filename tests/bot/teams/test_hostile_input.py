"""Hostile and malformed activities to POST /api/messages (development mode): 4xx or 2xx, no traceback."""

import json
import logging
from typing import Any

import pytest
from sqlmodel import Session, func, select

from storage.models import AnonymousAnswer, Answer, Story
from tests.bot.teams import payloads
from tests.bot.teams.conftest import set_up_team
from tests.bot.teams.rounds import open_round

pytestmark = pytest.mark.usefixtures("no_tracebacks")


@pytest.fixture
def no_tracebacks(caplog: pytest.LogCaptureFixture):  # type: ignore[no-untyped-def]
    """Fail a test whose requests wrote a traceback to the log."""
    caplog.set_level(logging.INFO)
    yield
    records = caplog.get_records("setup") + caplog.get_records("call")
    traced = [r for r in records if r.exc_info or "Traceback" in r.getMessage()]
    assert not traced, [r.getMessage() for r in traced]


def rows(engine) -> int:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return sum(
            int(session.exec(select(func.count()).select_from(model)).one())
            for model in (Answer, AnonymousAnswer, Story)
        )


BIG = "123456789012345678901234567890"


@pytest.mark.parametrize(
    ("kind", "data"),
    [
        ("checkin", {"haven": "checkin", "occurrence_id": "{occurrence}", "mood": 3, "text": 5}),
        ("checkin", {"haven": "checkin", "occurrence_id": "{occurrence}", "mood": 3, "text": []}),
        ("checkin", {"haven": "checkin", "occurrence_id": BIG, "mood": 3}),
        ("checkin", {"haven": "checkin", "occurrence_id": "{occurrence}", "mood": BIG}),
        ("checkin", {"haven": "checkin", "occurrence_id": "{occurrence}", "mood": "٣"}),
        ("checkin", {"haven": "checkin", "occurrence_id": "{occurrence}", "mood": 3.5}),
        ("anonymous_feedback", {"haven": "feedback", "occurrence_id": "{occurrence}", "text": {}}),
        ("failure_celebration", {"haven": "anonymous_story", "occurrence_id": BIG, "story": "x"}),
        (
            "failure_celebration",
            {"haven": "anonymous_story", "occurrence_id": "{occurrence}", "story": 7},
        ),
        ("safety_pulse", {"haven": "pulse", "occurrence_id": "{occurrence}", "item_1": BIG}),
        ("safety_pulse", {"haven": "pulse", "occurrence_id": "{occurrence}", f"item_{BIG}": "3"}),
        ("checkin", {"haven": "relay_reply", "item_key": ["x"], "reply": 5}),
        ("checkin", {"haven": "digest_commit", "team_id": BIG, "iso_week": 5, "commitment": 3}),
        ("checkin", {"haven": "ritual_run", "ritual_id": BIG}),
        ("checkin", {"haven": "ritual_edit", "ritual_id": "1", "window_minutes": BIG}),
        ("checkin", {"haven": "setup", "name": 5, "timezone": [], "threshold": BIG}),
        ("checkin", {"haven": ["checkin"]}),
    ],
)
async def test_card_data_haven_never_sent_gets_a_clear_answer_and_writes_nothing(teams, kind, data):
    await set_up_team(teams)
    occurrence = await open_round(teams, kind)
    filled: dict[str, Any] = json.loads(
        json.dumps(data).replace("{occurrence}", str(occurrence.id))
    )
    before = rows(teams.engine)
    for activity in (
        payloads.card_execute(teams.url, filled, sender="29:alice"),
        payloads.card_submit(teams.url, filled, sender="29:bob"),
    ):
        response = await teams.post(activity)
        assert response.status < 500
    assert rows(teams.engine) == before


async def test_a_deeply_nested_body_is_refused_with_400(teams):
    body = b'{"type": "message", "value": ' + b"[" * 5000 + b"]" * 5000 + b"}"
    response = await teams.client.post(
        "/api/messages", data=body, headers={"Content-Type": "application/json"}
    )
    assert response.status == 400


async def test_a_deeply_nested_card_value_is_refused(teams):
    await set_up_team(teams)
    value: Any = "x"
    for _ in range(400):
        value = {"v": value}
    activity = payloads.card_execute(
        teams.url, {"haven": "checkin", "text": value}, sender="29:bob"
    )
    response = await teams.post(activity)
    assert response.status < 500


@pytest.mark.parametrize(
    "activity",
    [
        {"type": "message"},
        {
            "type": 5,
            "conversation": {"id": "x"},
            "serviceUrl": "http://x",
            "recipient": {"id": "b"},
        },
        [1, 2, 3],
        "text",
    ],
)
async def test_activities_of_the_wrong_shape_are_refused_with_400(teams, activity):
    response = await teams.post(activity)
    assert response.status == 400


async def test_a_failure_inside_a_turn_is_answered_briefly_without_a_traceback(teams, monkeypatch):
    await set_up_team(teams)

    async def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("a fault Haven did not foresee")

    monkeypatch.setattr("bot.teams.handler.run_action", broken)
    response = await teams.post(
        payloads.card_execute(teams.url, {"haven": "status"}, sender="29:bob")
    )
    assert response.status == 200
    assert "could not do that" in (await response.json())["value"]
    response = await teams.post(
        payloads.channel_message(teams.url, "status", sender="29:bob", mention=True)
    )
    assert response.status < 500


@pytest.mark.parametrize(
    "service_url", ["not a url", "ftp://x", "http://[::1", "http://" + "a" * 300]
)
async def test_an_activity_with_a_service_url_no_one_can_reach_gets_no_5xx(teams, service_url):
    activity = payloads.channel_message(teams.url, "help", sender="29:bob", mention=True)
    activity["serviceUrl"] = service_url
    response = await teams.post(activity)
    assert response.status < 500
