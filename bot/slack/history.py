"""Find the bot's own messages by the outbox key in their metadata (conversations.history)."""

from datetime import datetime
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

EVENT_TYPE = "haven_outbox"
PAGES = 10  # at most this many pages of 200 messages are read back


def outbox_metadata(key: str) -> dict[str, Any]:
    """Return the message metadata that tags a post with its outbox key."""
    return {"event_type": EVENT_TYPE, "event_payload": {"key": key}}


def _tagged(message: dict[str, Any], key: str) -> bool:
    metadata = message.get("metadata") or {}
    payload = metadata.get("event_payload") or {}
    return metadata.get("event_type") == EVENT_TYPE and payload.get("key") == key


async def find_tagged(
    client: AsyncWebClient, *, channel: str, thread_ref: str, key: str, since: datetime
) -> str | None:
    """Return the ts of the message tagged with key posted since then (in a thread, if given)."""
    oldest = f"{since.timestamp() - 60:.6f}"  # a minute of slack for clocks that disagree
    cursor = None
    for _ in range(PAGES):
        arguments: dict[str, Any] = {
            "channel": channel,
            "oldest": oldest,
            "include_all_metadata": True,
            "limit": 200,
            "cursor": cursor,
        }
        response = await (
            client.conversations_replies(ts=thread_ref, **arguments)
            if thread_ref
            else client.conversations_history(**arguments)
        )
        for message in response.get("messages") or []:
            if _tagged(message, key):
                return str(message["ts"])
        cursor = (response.get("response_metadata") or {}).get("next_cursor")
        if not cursor:
            return None
    return None
