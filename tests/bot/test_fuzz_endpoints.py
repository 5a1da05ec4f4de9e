"""Property tests against the running app: no request to any endpoint gets a 5xx or a traceback.

A few hundred examples run in CI; HAVEN_FUZZ_EXAMPLES=5000 runs thousands.
"""

import asyncio
import json
import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from aiohttp.test_utils import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from bot.server import create_app
from bot.settings import Settings
from bot.slack import ids
from storage.db import get_engine
from storage.migrate import upgrade
from storage.models import AnonymousAnswer, Answer, Occurrence, Ritual, Story, Team
from tests.bot.slack.conftest import (
    CHANNEL,
    PEOPLE,
    make_slack_ritual,
    make_slack_team,
    serve,
    signature_headers,
    slack_settings,
)
from tests.bot.slack.fake_slack import BOT_USER, TEAM, FakeSlack
from tests.bot.teams import payloads
from tests.bot.teams.fake_connector import FakeConnector

EXAMPLES = int(os.environ.get("HAVEN_FUZZ_EXAMPLES", "150"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
TABLES = (Answer, AnonymousAnswer, Story, Team, Ritual, Occurrence)

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False)
    | st.text(max_size=40),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)
numbers = st.one_of(
    st.integers(min_value=0, max_value=10**25).map(str),
    st.lists(st.integers(min_value=0, max_value=10**20).map(str), min_size=1, max_size=4).map(
        ":".join
    ),
    st.sampled_from(["1", "1:3", "²", "٣", "", "1:1:1", "-1", " 1"]),
)
haven_values = numbers | json_values
users = st.sampled_from([*PEOPLE, "U0BOSS", BOT_USER, "UNOBODY"])
action_ids = st.sampled_from(
    [
        *(f"{ids.CHECKIN_MOOD}_{n}" for n in range(1, 6)),
        *(f"{ids.PULSE_SCORE}_{n}" for n in range(1, 8)),
        ids.CHECKIN_WORD,
        ids.FAILURE_SHARE,
        ids.FEEDBACK_ANSWER,
        ids.RELAY_REPLY,
        ids.HOME_EDIT,
        ids.HOME_PAUSE,
        ids.HOME_RESUME,
        "haven_digest_commit",
        "someone_elses_action",
    ]
)
view_ids = st.sampled_from(
    [
        ids.CHECKIN_WORD_VIEW,
        ids.FAILURE_STORY_VIEW,
        ids.FEEDBACK_VIEW,
        ids.RELAY_VIEW,
        ids.SETUP_VIEW,
        ids.RITUAL_EDIT_VIEW,
        ids.DIGEST_COMMIT_VIEW,
        "someone_elses_view",
    ]
)
element_types = st.sampled_from(
    ["plain_text_input", "radio_buttons", "checkboxes", "multi_users_select", "static_select"]
)


@st.composite
def state_values(draw: st.DrawFn) -> dict[str, Any]:
    blocks = st.sampled_from(
        [
            "mood",
            "word",
            "story",
            "answer",
            "replies",
            "reply",
            "team_name",
            "timezone",
            "rituals",
            "mode",
            "leaders",
            "schedule",
            "question",
            "window",
            "commitment",
        ]
    )
    values = {}
    for block in draw(st.lists(blocks, max_size=6, unique=True)):
        kind = draw(element_types)
        value = draw(haven_values | st.text(max_size=3000))
        element: dict[str, Any] = {"type": kind, "value": value}
        element["selected_option"] = draw(st.none() | st.just({"value": value}) | json_values)
        element["selected_options"] = draw(st.lists(st.just({"value": value}), max_size=2))
        element["selected_users"] = draw(st.lists(users | json_values, max_size=3))
        values[block] = {"value": element}
    return values


@st.composite
def slack_payloads(draw: st.DrawFn) -> tuple[bytes, str]:
    """Return a body Slack could sign, of every kind Haven receives, with hostile values."""
    user = draw(users)
    kind = draw(
        st.sampled_from(
            [
                "block_actions",
                "view_submission",
                "event_callback",
                "command",
                "block_suggestion",
                "workflow_step_edit",
                "shortcut",
                "view_closed",
                "unknown",
                "raw",
            ]
        )
    )
    envelope: dict[str, Any] = {
        "type": kind,
        "team": {"id": TEAM},
        "user": {"id": user, "team_id": TEAM},
        "api_app_id": "AHAVEN",
        "trigger_id": "1.t",
        "channel": {"id": CHANNEL},
        "container": {"type": "message", "channel_id": CHANNEL, "message_ts": "1.1"},
    }
    if kind == "raw":
        return json.dumps(draw(json_values)).encode(), "application/json"
    if kind == "command":
        form = {
            "command": "/haven",
            "text": draw(
                st.sampled_from(
                    ["help", "status", "leaders", "rituals", "setup", "rituals run"]
                ).flatmap(lambda verb: numbers.map(lambda n: f"{verb} {n}"))
                | st.text(max_size=60)
            ),
            "team_id": TEAM,
            "channel_id": draw(st.sampled_from([CHANNEL, "C0OTHER", ""])),
            "user_id": user,
            "trigger_id": "1.t",
            "response_url": "http://127.0.0.1:9/response",
        }
        return urlencode(form).encode(), "application/x-www-form-urlencoded"
    if kind == "event_callback":
        event = {
            "type": draw(
                st.sampled_from(
                    [
                        "message",
                        "app_home_opened",
                        "reaction_added",
                        "reaction_removed",
                        "app_uninstalled",
                        "tokens_revoked",
                        "member_joined_channel",
                    ]
                )
            ),
            "user": draw(users | json_values),
            "channel": draw(st.just(CHANNEL) | json_values),
            "ts": draw(st.text(max_size=20)),
            "thread_ts": draw(st.none() | st.text(max_size=20)),
            "text": draw(st.text(max_size=200)),
            "item": draw(st.none() | st.just({"type": "message", "ts": "1.1"}) | json_values),
            "tokens": draw(json_values),
            "tab": draw(st.sampled_from(["home", "messages"]) | json_values),
        }
        envelope = {
            "type": kind,
            "team_id": TEAM,
            "event_id": f"Ev{draw(st.integers(min_value=0, max_value=10**12))}",
            "event": event,
        }
    elif kind == "block_actions":
        envelope["actions"] = [
            {"action_id": draw(action_ids), "block_id": "b", "value": draw(haven_values)}
        ]
    elif kind in ("view_submission", "view_closed"):
        envelope["view"] = {
            "id": "V1",
            "type": "modal",
            "callback_id": draw(view_ids),
            "private_metadata": draw(numbers | st.text(max_size=50)),
            "state": {"values": draw(state_values())},
        }
    else:
        envelope["callback_id"] = "x"
        envelope["value"] = draw(st.text(max_size=20))
    envelope.update(draw(st.dictionaries(st.sampled_from(["enterprise", "message"]), json_values)))
    body = json.dumps(envelope)
    if draw(st.booleans()):
        return body.encode(), "application/json"
    return urlencode({"payload": body}).encode(), "application/x-www-form-urlencoded"


def rows(engine: Engine) -> tuple[int, ...]:
    with Session(engine) as session:
        return tuple(
            int(session.exec(select(func.count()).select_from(table)).one()) for table in TABLES
        )


class Tracebacks(logging.Handler):
    """Collects every log record carrying a traceback."""

    def __init__(self) -> None:
        super().__init__(level=logging.INFO)
        self.found: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info or "Traceback" in record.getMessage():
            self.found.append(f"{record.name}: {record.getMessage()[:200]}")


@contextmanager
def running_app(tmp: Path) -> Iterator[tuple[asyncio.AbstractEventLoop, TestClient, Engine, str]]:
    """Serve Haven with Slack (against a fake) and Teams in development mode on a fresh SQLite."""
    url = f"sqlite:///{tmp / 'fuzz.db'}"
    upgrade(url)
    engine = get_engine(url)
    loop = asyncio.new_event_loop()
    fake = loop.run_until_complete(FakeSlack().start())
    connector = FakeConnector(rosters={payloads.TEAM: [dict(p) for p in payloads.PEOPLE]})
    connector_url = loop.run_until_complete(connector.start())
    for user_id, name in PEOPLE.items():
        fake.add_user(user_id, name)
    fake.add_user("U0BOSS", "Boss", is_admin=True)
    fake.channels[CHANNEL] = [*PEOPLE, BOT_USER]
    base = slack_settings(url, fake)
    settings_ = Settings(**{**base.model_dump(by_alias=True), "HAVEN_TEAMS_DEV": True})  # type: ignore[arg-type]
    client = loop.run_until_complete(
        serve(create_app(settings=settings_, engine=engine, schedule=False))
    )
    with Session(engine) as session:
        team = make_slack_team(session)
        for kind in ("checkin", "failure_celebration", "anonymous_feedback", "safety_pulse"):
            make_slack_ritual(session, team, kind)
    handler = Tracebacks()
    logging.getLogger().addHandler(handler)
    try:
        yield loop, client, engine, connector_url
        assert not handler.found, handler.found[:5]
    finally:
        logging.getLogger().removeHandler(handler)
        loop.run_until_complete(client.close())
        loop.run_until_complete(fake.close())
        loop.run_until_complete(connector.close())
        loop.close()
        engine.dispose()
        get_engine.cache_clear()


def test_signed_slack_bodies_of_every_kind_never_get_a_5xx(tmp_path):
    with running_app(tmp_path) as (loop, client, engine, _connector_url):

        @FUZZ
        @given(slack_payloads())
        def check(payload: tuple[bytes, str]) -> None:
            body, content_type = payload
            before = rows(engine)
            headers = {"Content-Type": content_type, **signature_headers(body)}
            status = loop.run_until_complete(_post(client, "/slack/events", body, headers))
            assert status < 500
            if status >= 400:
                assert rows(engine) == before

        check()


def test_unsigned_slack_bodies_are_refused_with_401_and_write_nothing(tmp_path):
    with running_app(tmp_path) as (loop, client, engine, _connector_url):
        before = rows(engine)

        @FUZZ
        @given(
            st.binary(max_size=2000),
            st.sampled_from(["application/json", "text/plain", ""]),
            st.sampled_from(["", "v0=00", "v1=x", "²"]),
            st.sampled_from(["", str(int(time.time())), "0", "99999999999999999999999", "٣"]),
        )
        def check(body: bytes, content_type: str, signature: str, timestamp: str) -> None:
            headers = {"Content-Type": content_type} if content_type else {}
            if signature:
                headers |= {"X-Slack-Signature": signature, "X-Slack-Request-Timestamp": timestamp}
            status = loop.run_until_complete(_post(client, "/slack/events", body, headers))
            assert status in (400, 401, 413)

        check()
        assert rows(engine) == before


@st.composite
def teams_activities(draw: st.DrawFn, service_url: str) -> Any:
    """Return Bot Framework activities of every type, with hostile values and card data."""
    sender = draw(st.sampled_from([p["id"] for p in payloads.PEOPLE]))
    kind = draw(st.sampled_from(["message", "invoke", "conversationUpdate", "installationUpdate"]))
    if kind == "message":
        activity = payloads.channel_message(service_url, draw(st.text(max_size=80)), sender=sender)
    elif kind == "invoke":
        data = {"haven": draw(st.sampled_from(list(_ACTIONS)) | st.text(max_size=10))}
        data.update(draw(st.dictionaries(st.sampled_from(_FIELDS), haven_values, max_size=5)))
        activity = payloads.card_execute(service_url, data, sender=sender)
    elif kind == "conversationUpdate":
        activity = payloads.bot_added(service_url, sender=sender)
    else:
        activity = payloads.installation(service_url, draw(st.sampled_from(["add", "remove"])))
    activity.update(
        draw(
            st.dictionaries(
                st.sampled_from(["value", "text", "channelData", "entities", "name", "type"]),
                json_values | st.sampled_from(["messageReaction", "event", "typing"]),
                max_size=2,
            )
        )
    )
    return activity if draw(st.integers(0, 9)) else draw(json_values)


_ACTIONS = (
    "checkin",
    "pulse",
    "feedback",
    "anonymous_story",
    "relay_reply",
    "digest_commit",
    "status",
    "rituals",
    "setup",
    "ritual_add",
    "ritual_edit",
    "ritual_run",
    "leaders",
)
_FIELDS = (
    "occurrence_id",
    "ritual_id",
    "team_id",
    "mood",
    "text",
    "story",
    "reply",
    "item_key",
    "item_1",
    "item_99",
    "name",
    "threshold",
    "window_minutes",
    "allow_replies",
    "iso_week",
    "commitment",
)


def test_teams_activities_of_every_type_never_get_a_5xx(tmp_path):
    with running_app(tmp_path) as (loop, client, engine, connector_url):

        @FUZZ
        @given(teams_activities(connector_url))
        def check(activity: Any) -> None:
            before = rows(engine)
            body = json.dumps(activity).encode()
            headers = {"Content-Type": "application/json"}
            status = loop.run_until_complete(_post(client, "/api/messages", body, headers))
            assert status < 500
            if status >= 400:
                assert rows(engine) == before

        check()


async def _post(client: TestClient, path: str, body: bytes, headers: dict[str, str]) -> int:
    response = await client.post(path, data=body, headers=headers)
    await response.read()
    return response.status
