"""Cross-cutting checks run before listeners: event de-duplication and admin-only actions."""

import asyncio
import json
from collections.abc import Awaitable, Callable
from datetime import timedelta

from slack_bolt.middleware.async_middleware import AsyncMiddleware
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, delete

from bot.database_work import in_session
from bot.slack import commands, views
from bot.slack.runtime import SlackRuntime
from rituals.admin import is_haven_admin
from rituals.clock import utcnow
from storage.models_slack import SlackEvent

Next = Callable[[], Awaitable[BoltResponse]]
EVENT_MEMORY = timedelta(days=1)  # Slack retries for minutes; a day is plenty
REFUSAL = (
    "Only workspace admins and owners, or people named Haven admins, can change Haven's setup. "
    "Ask one of them, or use `/haven status` to see the current setup."
)


def remember_event(*, engine: Engine, event_id: str) -> bool:
    """Record an event id; return False when it was already recorded (a retry or a replay)."""
    now = utcnow()
    with Session(engine) as session:
        session.add(SlackEvent(event_id=event_id[:64], received_at=now))
        try:
            session.commit()
        except IntegrityError:
            session.rollback()
            return False
        session.exec(delete(SlackEvent).where(SlackEvent.received_at < now - EVENT_MEMORY))
        session.commit()
    return True


def forget_event(*, engine: Engine, event_id: str) -> None:
    """Forget an event id, so that Slack's next delivery of the event is handled."""
    with Session(engine) as session:
        session.exec(delete(SlackEvent).where(SlackEvent.event_id == event_id[:64]))
        session.commit()


class EventDeduplication(AsyncMiddleware):
    """Acknowledge, without handling again, any Events API event whose event_id was seen before."""

    def __init__(self, *, engine: Engine) -> None:
        self.engine = engine

    async def async_process(
        self, *, req: AsyncBoltRequest, resp: BoltResponse, next: Next
    ) -> BoltResponse:
        """Let a first delivery through; answer a repeated one with 200 so Slack stops retrying."""
        event_id = req.body.get("event_id") if req.body.get("type") == "event_callback" else None
        if event_id and not await asyncio.to_thread(
            remember_event, engine=self.engine, event_id=str(event_id)
        ):
            return BoltResponse(status=200, body="")
        return await next()


async def is_admin(*, runtime: SlackRuntime, team_id: str, user_id: str) -> bool:
    """Return whether a person may change Haven's setup: a Haven admin, or a workspace admin/owner."""
    named = await in_session(
        runtime.engine,
        lambda session: is_haven_admin(
            session=session, platform="slack", workspace=team_id, user_id=user_id
        ),
    )
    if named:
        return True
    return (await runtime.people.lookup(team_id=team_id, user_id=user_id)).is_admin


def _needs_admin(body: dict) -> bool:  # type: ignore[type-arg]
    if "command" in body:
        return commands.parse(body.get("text", "")).needs_admin
    return True


class AdminOnly(AsyncMiddleware):
    """Let only admins through to a listener; refuse everyone else clearly, in the payload's own way."""

    def __init__(self, *, runtime: SlackRuntime) -> None:
        self.runtime = runtime

    async def async_process(
        self, *, req: AsyncBoltRequest, resp: BoltResponse, next: Next
    ) -> BoltResponse:
        """Call the listener for admins; answer others with the refusal."""
        body = req.body
        team_id, user_id = req.context.team_id or "", req.context.user_id or ""
        if not _needs_admin(body) or await is_admin(
            runtime=self.runtime, team_id=team_id, user_id=user_id
        ):
            return await next()
        if "command" in body:
            return _json({"response_type": "ephemeral", "text": REFUSAL})
        if body.get("type") == "view_submission":
            return _json(
                {"response_action": "update", "view": views.notice("Not allowed", REFUSAL)}
            )
        if body.get("trigger_id"):
            await req.context.client.views_open(
                trigger_id=body["trigger_id"], view=views.notice("Not allowed", REFUSAL)
            )
        return BoltResponse(status=200, body="")


def _json(payload: dict) -> BoltResponse:  # type: ignore[type-arg]
    return BoltResponse(
        status=200, body=json.dumps(payload), headers={"content-type": "application/json"}
    )
