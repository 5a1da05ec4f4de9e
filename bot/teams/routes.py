"""Messages that belong to a team but go elsewhere than its channel: a meeting's chat."""

from contextvars import ContextVar

ROUTE_MARK = "|"  # Teams message ids and conversation ids never contain it

# Set while a meeting's check-in opens: its prompt goes to the meeting chat, not the team channel.
meeting_chat: ContextVar[str | None] = ContextVar("meeting_chat", default=None)


def routed_ref(*, activity_id: str, conversation_id: str) -> str:
    """Return the message ref of a message posted outside the team channel."""
    return f"{activity_id}{ROUTE_MARK}{conversation_id}"


def split_ref(message_ref: str) -> tuple[str, str | None]:
    """Return (activity id, conversation id or None when the message is in the team channel)."""
    activity_id, _, conversation_id = message_ref.partition(ROUTE_MARK)
    return activity_id, conversation_id or None
