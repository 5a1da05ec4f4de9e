"""A channel meeting starts: open a check-in tied to that meeting, in the meeting's chat."""

import logging
from datetime import UTC, datetime
from typing import Any

from botbuilder.schema import Activity
from sqlmodel import Session, select

from bot.teams.activities import base_conversation
from bot.teams.removal import teams_of_channel
from bot.teams.routes import meeting_chat
from bot.teams.runtime import TeamsRuntime
from rituals.clock import utcnow
from rituals.lifecycle import open_occurrence
from storage.db import session_scope
from storage.models import Occurrence, Ritual

log = logging.getLogger(__name__)


def meeting_start(details: Any) -> datetime:
    """Return when the meeting started (aware UTC, to the minute), or now when Teams does not say."""
    raw = (
        (details.get("StartTime") or details.get("startTime"))
        if isinstance(details, dict)
        else None
    )
    try:
        moment = datetime.fromisoformat(str(raw)) if raw else utcnow()
    except ValueError:
        moment = utcnow()
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(second=0, microsecond=0)


def _active_checkin(session: Session, channel_id: str) -> Ritual | None:
    """Return the first active check-in of the teams bound to a channel."""
    team_ids = [team.id for team in teams_of_channel(session=session, conversation_id=channel_id)]
    if not team_ids:
        return None
    return session.exec(
        select(Ritual)
        .where(Ritual.team_id.in_(team_ids), Ritual.kind == "checkin", Ritual.paused.is_(False))
        .order_by(Ritual.id)
    ).first()


async def open_meeting_checkin(
    *, runtime: TeamsRuntime, activity: Activity, details: Any
) -> Occurrence | None:
    """Open the channel team's check-in for this meeting; None when there is no such ritual or it ran."""
    chat_id = activity.conversation.id
    channel_data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    channel = channel_data.get("channel") if isinstance(channel_data.get("channel"), dict) else {}
    channel_id = str(channel.get("id") or base_conversation(chat_id))
    with session_scope(runtime.engine) as session:
        ritual = _active_checkin(session, channel_id)
        if ritual is None:
            log.info("a meeting started in a channel without an active check-in")
            return None
        token = meeting_chat.set(chat_id)
        try:
            return await open_occurrence(
                session=session,
                notifiers=runtime.notifiers,
                ritual_id=ritual.id,
                scheduled_at=meeting_start(details),
                now=utcnow(),
            )
        finally:
            meeting_chat.reset(token)
