"""Haven's real aiohttp app with Slack mounted, a fake Slack Web API, and signed Slack payloads."""

import asyncio
import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
from aiohttp import ClientResponse, web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.server import STATE, create_app
from bot.settings import Settings
from rituals.clock import utcnow
from rituals.lifecycle import open_occurrence
from storage.models import Occurrence, Ritual, Team
from storage.teams import get_or_create_workspace, upsert_member
from tests.bot.slack.fake_slack import BOT_ID, BOT_USER, TEAM, FakeSlack

SECRET = "3f1c0b7e5a9d2c4e6f8a0b1c2d3e4f50"
CHANNEL = "C0TEAM"
PEOPLE = {"U0ANA": "Ana", "U0BEN": "Ben", "U0CAI": "Cai", "U0DEV": "Dev", "U0LEA": "Lea"}


def signature_headers(
    body: bytes, *, secret: str = SECRET, timestamp: int | None = None
) -> dict[str, str]:
    """Return Slack's signing headers for a body: v0=HMAC-SHA256(secret, 'v0:<ts>:<body>')."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{stamp}:".encode() + body, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}"}


def state_values(values: dict[str, tuple[str, Any]]) -> dict[str, Any]:
    """Build a view's state.values from {block_id: (element type, value)}."""
    built: dict[str, Any] = {}
    for block_id, (kind, value) in values.items():
        element: dict[str, Any] = {"type": kind}
        if kind == "plain_text_input":
            element["value"] = value
        elif kind in ("radio_buttons", "static_select"):
            element["selected_option"] = (
                {"text": {"type": "plain_text", "text": str(value)}, "value": value}
                if value
                else None
            )
        elif kind == "checkboxes":
            element["selected_options"] = [
                {"text": {"type": "plain_text", "text": v}, "value": v} for v in value
            ]
        elif kind == "multi_users_select":
            element["selected_users"] = list(value)
        built[block_id] = {"value": element}
    return built


@dataclass
class SlackHarness:
    """Posts signed Slack requests to Haven's real HTTP endpoint and reads what the fake received."""

    client: TestClient
    fake: FakeSlack
    app: web.Application
    engine: Engine

    @property
    def notifiers(self):  # type: ignore[no-untyped-def]
        return self.app[STATE].notifiers

    async def post(
        self,
        body: bytes,
        *,
        content_type: str,
        headers: dict[str, str] | None = None,
        signed: bool = True,
        timestamp: int | None = None,
    ) -> ClientResponse:
        """POST a body to /slack/events, signed unless told otherwise."""
        sent = {
            "Content-Type": content_type,
            **(signature_headers(body, timestamp=timestamp) if signed else {}),
        }
        sent.update(headers or {})
        return await self.client.post("/slack/events", data=body, headers=sent)

    async def interactive(self, payload: dict[str, Any], **options: Any) -> ClientResponse:
        """POST an interactivity payload as Slack does: form field `payload` holding JSON."""
        body = urlencode({"payload": json.dumps(payload)}).encode()
        return await self.post(body, content_type="application/x-www-form-urlencoded", **options)

    async def action(
        self,
        *,
        user: str,
        action_id: str,
        value: str,
        channel: str = CHANNEL,
        container: str = "message",
    ) -> ClientResponse:
        """Click a button of a message (block_actions)."""
        ts = self.fake.next_ts()
        return await self.interactive(
            {
                "type": "block_actions",
                "user": {
                    "id": user,
                    "username": user.lower(),
                    "name": user.lower(),
                    "team_id": TEAM,
                },
                "api_app_id": "AHAVEN",
                "token": "legacy-token",
                "container": {
                    "type": container,
                    "message_ts": ts,
                    "channel_id": channel,
                    "is_ephemeral": False,
                },
                "trigger_id": f"{ts}.trigger",
                "team": {"id": TEAM, "domain": "haven-test"},
                "enterprise": None,
                "is_enterprise_install": False,
                "channel": {"id": channel, "name": "team"},
                "message": {
                    "type": "message",
                    "user": BOT_USER,
                    "ts": ts,
                    "bot_id": BOT_ID,
                    "text": "prompt",
                },
                "state": {"values": {}},
                "response_url": str(self.fake.server.make_url(f"/response/{ts}")),  # type: ignore[union-attr]
                "actions": [
                    {
                        "action_id": action_id,
                        "block_id": "blk",
                        "text": {"type": "plain_text", "text": value, "emoji": True},
                        "value": value,
                        "type": "button",
                        "action_ts": ts,
                    }
                ],
            }
        )

    async def home_action(self, *, user: str, action_id: str, value: str) -> ClientResponse:
        """Click a button on the App Home tab."""
        ts = self.fake.next_ts()
        return await self.interactive(
            {
                "type": "block_actions",
                "user": {
                    "id": user,
                    "username": user.lower(),
                    "name": user.lower(),
                    "team_id": TEAM,
                },
                "api_app_id": "AHAVEN",
                "token": "legacy-token",
                "container": {"type": "view", "view_id": "VHOME"},
                "trigger_id": f"{ts}.trigger",
                "team": {"id": TEAM, "domain": "haven-test"},
                "enterprise": None,
                "is_enterprise_install": False,
                "view": {
                    "id": "VHOME",
                    "type": "home",
                    "team_id": TEAM,
                    "blocks": [],
                    "private_metadata": "",
                    "callback_id": "",
                    "state": {"values": {}},
                    "hash": "h",
                },
                "actions": [
                    {
                        "action_id": action_id,
                        "block_id": "blk",
                        "value": value,
                        "type": "button",
                        "text": {"type": "plain_text", "text": "x"},
                        "action_ts": ts,
                    }
                ],
            }
        )

    async def submit(
        self,
        *,
        user: str,
        callback_id: str,
        private_metadata: str,
        values: dict[str, tuple[str, Any]],
    ) -> ClientResponse:
        """Submit a modal (view_submission)."""
        ts = self.fake.next_ts()
        return await self.interactive(
            {
                "type": "view_submission",
                "team": {"id": TEAM, "domain": "haven-test"},
                "user": {
                    "id": user,
                    "username": user.lower(),
                    "name": user.lower(),
                    "team_id": TEAM,
                },
                "api_app_id": "AHAVEN",
                "token": "legacy-token",
                "trigger_id": f"{ts}.trigger",
                "view": {
                    "id": "VMODAL",
                    "team_id": TEAM,
                    "type": "modal",
                    "blocks": [],
                    "private_metadata": private_metadata,
                    "callback_id": callback_id,
                    "state": {"values": state_values(values)},
                    "hash": "1.abc",
                    "title": {"type": "plain_text", "text": "Haven"},
                    "app_id": "AHAVEN",
                    "bot_id": BOT_ID,
                },
                "response_urls": [],
                "is_enterprise_install": False,
                "enterprise": None,
            }
        )

    async def command(
        self, *, user: str, text: str, channel: str = CHANNEL, team: str = TEAM
    ) -> ClientResponse:
        """Run `/haven <text>` as Slack posts a slash command (form-encoded)."""
        ts = self.fake.next_ts()
        body = urlencode(
            {
                "token": "legacy-token",
                "team_id": team,
                "team_domain": "haven-test",
                "channel_id": channel,
                "channel_name": "platform-team",
                "user_id": user,
                "user_name": user.lower(),
                "command": "/haven",
                "text": text,
                "api_app_id": "AHAVEN",
                "is_enterprise_install": "false",
                "response_url": str(self.fake.server.make_url(f"/response/{ts}")),  # type: ignore[union-attr]
                "trigger_id": f"{ts}.trigger",
            }
        ).encode()
        return await self.post(body, content_type="application/x-www-form-urlencoded")

    async def event(
        self,
        event: dict[str, Any],
        *,
        event_id: str | None = None,
        retry_num: int | None = None,
        team: str = TEAM,
    ) -> ClientResponse:
        """Deliver an Events API event_callback."""
        payload = {
            "token": "legacy-token",
            "team_id": team,
            "api_app_id": "AHAVEN",
            "event": event,
            "type": "event_callback",
            "event_id": event_id or f"Ev{self.fake.next_ts().replace('.', '')}",
            "event_time": int(time.time()),
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": team,
                    "user_id": BOT_USER,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
        }
        headers = (
            {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
            if retry_num
            else {}
        )
        return await self.post(
            json.dumps(payload).encode(), content_type="application/json", headers=headers
        )

    async def settle(self, timeout: float = 5.0) -> None:
        """Wait until listeners that run after their ack have finished."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            busy = [
                t
                for t in asyncio.all_tasks()
                if not t.done()
                and any(
                    name in repr(t.get_coro())
                    # Bolt's listeners after their ack, and the recorder's naming and thread posts
                    for name in ("run_ack_function_asynchronously", "CheckinRecorder._follow")
                )
            ]
            if not busy:
                break
            await asyncio.sleep(0.01)
        await asyncio.sleep(0)

    async def eventually(self, check: Callable[[], bool], timeout: float = 5.0) -> None:
        """Wait until check() holds."""
        deadline = time.monotonic() + timeout
        while not check():
            if time.monotonic() > deadline:
                raise AssertionError("condition not reached in time")
            await asyncio.sleep(0.02)

    async def open(self, ritual_id: int, *, minutes_ago: int = 0) -> Occurrence:
        """Open an occurrence of a ritual now, through the core with the app's notifiers."""
        now = utcnow()
        with Session(self.engine, expire_on_commit=False) as session:
            occurrence = await open_occurrence(
                session=session,
                notifiers=self.notifiers,
                ritual_id=ritual_id,
                scheduled_at=now - timedelta(minutes=minutes_ago),
                now=now,
            )
        assert occurrence is not None
        return occurrence


def slack_settings(database_url: str, fake: FakeSlack, **extra: str) -> Settings:
    """Return settings for a single-workspace Slack app pointed at the fake."""
    values = {
        "DATABASE_URL": database_url,
        "SLACK_BOT_TOKEN": "xoxb-test-token",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": fake.url,
        **extra,
    }
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    """Start the fake Slack Web API with a five-person channel, a leader and the bot."""
    fake = await FakeSlack().start()
    for user_id, name in PEOPLE.items():
        fake.add_user(user_id, name)
    fake.add_user(BOT_USER, "Haven", is_bot=True)
    fake.add_user("U0BOSS", "Boss", is_admin=True)
    fake.channels[CHANNEL] = [*PEOPLE, BOT_USER]
    yield fake
    await fake.close()


async def serve(app: web.Application) -> TestClient:
    """Serve an app on a free loopback port and return a client for it."""
    client = TestClient(TestServer(app, host="127.0.0.1", port=0))
    await client.start_server()
    return client


@pytest.fixture
async def slack(
    database_url: str, engine: Engine, fake_slack: FakeSlack
) -> AsyncIterator[SlackHarness]:
    """Serve Haven's real app, Slack mounted, against the fake; no scheduler."""
    app = create_app(
        settings=slack_settings(database_url, fake_slack), engine=engine, schedule=False
    )
    client = await serve(app)
    harness = SlackHarness(client=client, fake=fake_slack, app=app, engine=engine)
    yield harness
    await harness.settle()
    await client.close()


def make_slack_team(
    session: Session,
    *,
    channel: str = CHANNEL,
    name: str = "Platform",
    threshold_texts: int = 3,
    **fields: Any,
) -> Team:
    """Create a team bound to a Slack channel with Lea as its leader."""
    workspace = get_or_create_workspace(session=session, platform="slack", external_id=TEAM)
    team = Team(
        workspace_id=workspace.id,
        name=name,
        channel=channel,
        timezone="Europe/Berlin",
        threshold_numbers=3,
        threshold_texts=threshold_texts,
        **fields,
    )
    session.add(team)
    session.flush()
    upsert_member(
        session=session,
        team_id=team.id,
        platform_user_id="U0LEA",
        display_name="Lea",
        is_leader=True,
    )
    session.commit()
    return team


def make_slack_ritual(session: Session, team: Team, kind: str, **options: Any) -> Ritual:
    """Create a ritual of the team."""
    ritual = Ritual(team_id=team.id, name=kind, kind=kind, schedule="0 10 * * mon", **options)
    session.add(ritual)
    session.commit()
    return ritual
