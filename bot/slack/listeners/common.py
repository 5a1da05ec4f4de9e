"""What listeners share: finding an occurrence of this workspace, and telling a person something."""

from typing import Any

from slack_sdk.web.async_client import AsyncWebClient
from sqlmodel import Session

from bot.slack.kit import escape
from rituals.context import RitualScope
from rituals.errors import NotFound
from storage.models import Occurrence


def slack_scope(
    *, session: Session, occurrence_id: int, team_id: str
) -> tuple[RitualScope, Occurrence]:
    """Load an occurrence and its scope, refusing one that belongs to another workspace."""
    scope, occurrence = RitualScope.of_occurrence(session=session, occurrence_id=occurrence_id)
    if scope.workspace.platform != "slack" or scope.workspace.external_id != team_id:
        raise NotFound("That ritual is not part of this Slack workspace.")
    return scope, occurrence


async def tell(*, client: AsyncWebClient, channel: str, user: str, text: str) -> None:
    """Show a line only this person sees, in the channel or DM they acted in."""
    await client.chat_postEphemeral(channel=channel, user=user, text=escape(text))


def field_error(block_id: str, text: str) -> dict[str, Any]:
    """Return the ack payload that shows an error under one input of a modal."""
    return {"response_action": "errors", "errors": {block_id: text[:150]}}


def channel_of(body: dict[str, Any]) -> str:
    """Return the channel (or DM) a block action came from."""
    return (body.get("channel") or {}).get("id") or (body.get("container") or {}).get(
        "channel_id", ""
    )
