"""Leader replies reach the author of an anonymous answer; nobody learns who the author is."""

import base64
from datetime import timedelta

import pytest
from sqlmodel import select

from rituals import feedback
from rituals.clock import utcnow
from rituals.context import RitualScope
from rituals.errors import InvalidAnswer, NotFound
from rituals.lifecycle import close_occurrence, open_occurrence
from rituals.messages import FeedbackBatch, LeaderReply
from rituals.outbox_sender import drain
from rituals.relay import decode_relay_key, new_relay_key, reply_to_item
from storage.models import AnonymousAnswer
from storage.models_outbox import OutboxMessage
from tests.conftest import MONDAY_10_BERLIN, make_ritual, make_team

KEY = decode_relay_key(new_relay_key())


async def released_batch(
    session, notifiers, console, *, accepts_replies=("U1", "U2", "U3", "U4", "U5")
):
    team = make_team(session)
    ritual = make_ritual(session, team, "anonymous_feedback", question="What makes it hard?")
    now = MONDAY_10_BERLIN + timedelta(minutes=1)
    occurrence = await open_occurrence(
        session=session,
        notifiers=notifiers,
        ritual_id=ritual.id,
        scheduled_at=MONDAY_10_BERLIN,
        now=now,
    )
    scope = RitualScope.of_ritual(session=session, ritual_id=ritual.id)
    for n in range(1, 6):
        user = f"U{n}"
        key = KEY if user in accepts_replies else None
        feedback.record(
            scope=scope,
            occurrence=occurrence,
            user_id=user,
            text=f"answer from person {n}",
            relay_key=key,
        )
    await close_occurrence(
        session=session, notifiers=notifiers, occurrence_id=occurrence.id, now=now
    )
    return next(m for m in console.sent_to("ULEAD") if isinstance(m, FeedbackBatch))


async def test_a_leader_reply_reaches_exactly_the_author(session, notifiers, console):
    batch = await released_batch(session, notifiers, console)
    item_key, _text = next((k, t) for k, t in batch.items if t == "answer from person 3")
    await reply_to_item(
        session=session,
        notifiers=notifiers,
        key=KEY,
        item_key=item_key,
        leader_user_id="ULEAD",
        text="Thank you, let's change that.",
    )
    replies = [d for d in console.deliveries if isinstance(d.message, LeaderReply)]
    assert [(d.target, d.where) for d in replies] == [("U3", "direct")]
    assert replies[0].message.reply == "Thank you, let's change that."
    assert "U3" not in repr([d for d in console.deliveries if d.target == "ULEAD"])


async def test_the_seal_holds_no_readable_author_or_time(session, notifiers, console):
    await released_batch(session, notifiers, console)
    for row in session.exec(select(AnonymousAnswer)).all():
        assert row.reply_seal
        raw = base64.urlsafe_b64decode(row.reply_seal)
        assert not any(f'"U{n}"'.encode() in raw for n in range(1, 6))  # encrypted, not encoded
    seals = [row.reply_seal for row in session.exec(select(AnonymousAnswer)).all()]
    assert len(set(seals)) == 5  # random nonces: equal authors would not even look alike


async def test_only_leaders_can_reply_and_only_with_the_right_key(session, notifiers, console):
    batch = await released_batch(session, notifiers, console)
    item_key = batch.items[0][0]
    with pytest.raises(InvalidAnswer, match="Only the team's leaders"):
        await reply_to_item(
            session=session,
            notifiers=notifiers,
            key=KEY,
            item_key=item_key,
            leader_user_id="U1",
            text="hi",
        )
    with pytest.raises(InvalidAnswer, match="can no longer be replied"):
        await reply_to_item(
            session=session,
            notifiers=notifiers,
            key=decode_relay_key(new_relay_key()),
            item_key=item_key,
            leader_user_id="ULEAD",
            text="hi",
        )
    with pytest.raises(NotFound):
        await reply_to_item(
            session=session,
            notifiers=notifiers,
            key=KEY,
            item_key="nope",
            leader_user_id="ULEAD",
            text="hi",
        )
    with pytest.raises(InvalidAnswer, match="empty"):
        await reply_to_item(
            session=session,
            notifiers=notifiers,
            key=KEY,
            item_key=item_key,
            leader_user_id="ULEAD",
            text="  ",
        )


async def test_authors_who_declined_replies_cannot_be_reached(session, notifiers, console):
    batch = await released_batch(session, notifiers, console, accepts_replies=())
    with pytest.raises(InvalidAnswer, match="chose not to receive replies"):
        await reply_to_item(
            session=session,
            notifiers=notifiers,
            key=KEY,
            item_key=batch.items[0][0],
            leader_user_id="ULEAD",
            text="hi",
        )


def test_a_malformed_relay_key_is_refused_clearly():
    with pytest.raises(ValueError, match="32 bytes"):
        decode_relay_key("c2hvcnQ=")


class NoDirectMessages:
    """A notifier whose direct messages fail, so a relay stays in the outbox for inspection."""

    def __init__(self, console):
        self.console = console

    def __getattr__(self, name):
        return getattr(self.console, name)

    async def send_direct(self, **_):
        raise ConnectionError("platform down")


def relay_rows(session) -> list[OutboxMessage]:
    """Return the outbox rows of relays, fresh from the database."""
    session.expire_all()
    rows = session.exec(select(OutboxMessage)).all()
    return [row for row in rows if row.key.startswith("anon:relay:")]


async def test_a_queued_relay_holds_the_seal_never_the_author_and_is_deleted_once_sent(
    session, notifiers, console
):
    batch = await released_batch(session, notifiers, console)
    item_key = next(k for k, t in batch.items if t == "answer from person 3")
    working = notifiers.by_platform["console"]
    notifiers.by_platform["console"] = NoDirectMessages(console)
    await reply_to_item(
        session=session,
        notifiers=notifiers,
        key=KEY,
        item_key=item_key,
        leader_user_id="ULEAD",
        text="Thank you.",
    )
    (queued,) = relay_rows(session)
    assert queued.state == "pending" and queued.sealed_to and queued.user_id == ""
    stored = " ".join(str(v) for k, v in queued.model_dump().items() if k != "sealed_to")
    assert "U3" not in stored and item_key not in stored  # neither the author nor the item
    notifiers.by_platform["console"] = working
    await drain(session.get_bind(), notifiers, KEY, utcnow() + timedelta(minutes=10))
    assert [d.target for d in console.deliveries if isinstance(d.message, LeaderReply)] == ["U3"]
    assert relay_rows(session) == []  # once sent, nothing is left of it, not even its time
