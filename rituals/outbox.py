"""Enqueue messages in the caller's transaction; a duplicate key is a no-op; senders do the rest.

A ritual step writes its state change and the rows of every message it causes in one
transaction, then calls `dispatch`: in `haven serve` that wakes the outbox worker of the
replica (bot/outbox_worker.py); everywhere else (tests, the console, one-off commands) it sends
what is due at once, in this process (rituals.outbox_sender.drain).
"""

from collections.abc import Awaitable, Callable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlmodel import Session

from rituals.clock import utcnow
from rituals.messages import Message
from rituals.outbox_codec import encode
from rituals.ports import ChannelAddress, NotifierRegistry, PersonAddress
from storage.models_outbox import OutboxMessage

# Keys of messages sent on someone's anonymous behalf (a relay, a shared story): their rows are
# deleted once sent, so no row keeps even the moment such a message was written.
ANONYMOUS = "anon:"
# The key of the row being sent, so an adapter can tag the message with it (Slack metadata).
SENDING_KEY: ContextVar[str] = ContextVar("haven_outbox_key", default="")


def prompt_key(occurrence_id: int) -> str:
    """Return the outbox key of an occurrence's channel prompt."""
    return f"occ:{occurrence_id}:prompt"


@dataclass(frozen=True)
class Envelope:
    """One message to send once: where, how, and what to do with the reference it returns."""

    key: str
    action: str  # post_to_channel | post_in_thread | update_message | send_direct
    platform: str
    workspace: str
    message: Message
    give_up_at: datetime
    channel: str = ""
    user_id: str = ""
    sealed_to: str = ""  # a relay: the author's sealed address instead of user_id
    seal_context: int = 0
    ref: str = ""  # the thread or message this acts on, when known
    ref_from: str = ""  # else the key of the row whose sent reference it is
    follow_up: str = ""  # e.g. occurrence:12 — store the returned reference there


def to_channel(
    *,
    key: str,
    channel: ChannelAddress,
    message: Message,
    give_up_at: datetime,
    follow_up: str = "",
) -> Envelope:
    """Return an envelope posting message in a channel."""
    return Envelope(
        key=key,
        action="post_to_channel",
        platform=channel.platform,
        workspace=channel.workspace,
        channel=channel.channel,
        message=message,
        give_up_at=give_up_at,
        follow_up=follow_up,
    )


def updating(
    *,
    key: str,
    channel: ChannelAddress,
    message: Message,
    give_up_at: datetime,
    ref: str = "",
    ref_from: str = "",
) -> Envelope:
    """Return an envelope replacing a posted message (known by ref, or by the row that posts it)."""
    return Envelope(
        key=key,
        action="update_message",
        platform=channel.platform,
        workspace=channel.workspace,
        channel=channel.channel,
        message=message,
        give_up_at=give_up_at,
        ref=ref,
        ref_from=ref_from,
    )


def direct(
    *, key: str, person: PersonAddress, message: Message, give_up_at: datetime, follow_up: str = ""
) -> Envelope:
    """Return an envelope sending message to one person directly."""
    return Envelope(
        key=key,
        action="send_direct",
        platform=person.platform,
        workspace=person.workspace,
        user_id=person.user_id,
        message=message,
        give_up_at=give_up_at,
        follow_up=follow_up,
    )


def enqueue(
    session: Session, envelopes: Sequence[Envelope], *, now: datetime | None = None
) -> None:
    """Add the envelopes' rows in the session's transaction; keys already there are left alone."""
    if not envelopes:
        return
    now = now or utcnow()
    rows = [
        {
            "key": e.key,
            "platform": e.platform,
            "workspace": e.workspace,
            "action": e.action,
            "channel": e.channel,
            "user_id": e.user_id,
            "sealed_to": e.sealed_to,
            "seal_context": e.seal_context,
            "ref": e.ref,
            "ref_from": e.ref_from,
            "payload": encode(e.message),
            "follow_up": e.follow_up,
            "state": "pending",
            "attempts": 0,
            "created_at": now,
            "next_attempt_at": now,
            "give_up_at": e.give_up_at,
            "claimed_by": "",
            "doubtful": False,
            "last_error": "",
            "sent_ref": "",
        }
        for e in envelopes
    ]
    table = OutboxMessage.__table__  # type: ignore[attr-defined]
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    session.execute(insert(table).on_conflict_do_nothing(index_elements=["key"]), rows)


Dispatcher = Callable[[Engine, NotifierRegistry, bytes | None, datetime], Awaitable[object]]
_dispatcher: Dispatcher | None = None


def install_dispatcher(dispatcher: Dispatcher | None) -> None:
    """Decide what dispatch does in this process (haven serve: wake its worker); None: send inline."""
    global _dispatcher
    _dispatcher = dispatcher


async def dispatch(
    session: Session,
    notifiers: NotifierRegistry,
    *,
    relay_key: bytes | None = None,
    now: datetime | None = None,
) -> None:
    """After a commit: hand what was enqueued to the sender (never holds the session meanwhile)."""
    from rituals.outbox_sender import drain

    engine = session.get_bind()
    assert isinstance(engine, Engine)
    await (_dispatcher or drain)(engine, notifiers, relay_key, now or utcnow())
