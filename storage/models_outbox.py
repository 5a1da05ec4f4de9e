"""The outbox: every message Haven must send, written in the transaction that causes it."""

from datetime import datetime

from sqlmodel import Field, SQLModel

OUTBOX_STATES = ("pending", "sent", "failed", "in_doubt")
OUTBOX_ACTIONS = ("post_to_channel", "post_in_thread", "update_message", "send_direct")


class OutboxMessage(SQLModel, table=True):
    """One message to send once; its unique key (e.g. occ:12:prompt:34) refuses a second row."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=200, unique=True)
    platform: str = Field(max_length=16)
    workspace: str = Field(max_length=64, index=True)
    action: str = Field(max_length=16)  # one of OUTBOX_ACTIONS
    channel: str = Field(default="", max_length=200)  # channel actions
    user_id: str = Field(default="", max_length=200)  # send_direct (empty when sealed)
    sealed_to: str = Field(default="", max_length=1000)  # a relay: the author's address, sealed
    seal_context: int = Field(default=0)  # what the seal is bound to (the occurrence id)
    ref: str = Field(default="", max_length=200)  # thread_ref or message_ref, when known
    ref_from: str = Field(default="", max_length=200)  # else the key of the row whose ref it is
    payload: str | None = None  # the message (rituals.outbox_codec); emptied once sent
    follow_up: str = Field(default="", max_length=200)  # e.g. occurrence:12: store the ref there
    state: str = Field(default="pending", max_length=16, index=True)
    attempts: int = Field(default=0)
    created_at: datetime
    next_attempt_at: datetime = Field(index=True)
    first_attempt_at: datetime | None = None
    give_up_at: datetime
    claimed_by: str = Field(default="", max_length=200)
    doubtful: bool = Field(default=False)  # an attempt may have reached the platform unmarked
    claimed_until: datetime | None = None
    last_error: str = Field(default="", max_length=500)
    sent_ref: str = Field(default="", max_length=200)  # what the platform returned


class OutboxLease(SQLModel, table=True):
    """Which replica sends for one (platform, workspace) until when: one sender, one rate limit."""

    platform: str = Field(max_length=16, primary_key=True)
    workspace: str = Field(max_length=64, primary_key=True)
    holder: str = Field(default="", max_length=200)
    expires_at: datetime
