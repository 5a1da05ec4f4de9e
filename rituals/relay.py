"""Leader replies to anonymous answers, relayed to the author without revealing who they are."""

import asyncio
import base64
import json
import secrets
from datetime import timedelta

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlmodel import Session

from rituals.clock import utcnow
from rituals.errors import InvalidAnswer, NotFound
from rituals.messages import LeaderReply
from rituals.outbox import ANONYMOUS, Envelope, dispatch, enqueue
from rituals.ports import NotifierRegistry, PersonAddress
from rituals.texts import clean_text
from storage.models import AnonymousAnswer, Occurrence, Ritual
from storage.teams import find_member

KEY_BYTES = 32
RELAY_PATIENCE = timedelta(days=1)  # a reply keeps trying to reach its author this long


def new_relay_key() -> str:
    """Return a new relay key, base64-encoded, for the HAVEN_RELAY_KEY setting."""
    return base64.urlsafe_b64encode(secrets.token_bytes(KEY_BYTES)).decode()


def decode_relay_key(text: str) -> bytes:
    """Decode a relay key from its setting, raising ValueError when it is not 32 bytes of base64."""
    try:
        key = base64.urlsafe_b64decode(text.encode())
    except (ValueError, TypeError) as error:
        raise ValueError("HAVEN_RELAY_KEY is not base64") from error
    if len(key) != KEY_BYTES:
        raise ValueError(f"HAVEN_RELAY_KEY must decode to {KEY_BYTES} bytes")
    return key


def seal(*, key: bytes, person: PersonAddress, occurrence_id: int) -> str:
    """Encrypt the author's address, bound to its occurrence; no timestamp, unlike Fernet."""
    nonce = secrets.token_bytes(12)
    plain = json.dumps([person.platform, person.workspace, person.user_id]).encode()
    sealed = AESGCM(key).encrypt(nonce, plain, str(occurrence_id).encode())
    return base64.urlsafe_b64encode(nonce + sealed).decode()


def unseal(*, key: bytes, sealed: str, occurrence_id: int) -> PersonAddress:
    """Decrypt the author's address, raising InvalidAnswer when the seal does not open."""
    raw = base64.urlsafe_b64decode(sealed.encode())
    try:
        plain = AESGCM(key).decrypt(raw[:12], raw[12:], str(occurrence_id).encode())
    except InvalidTag:
        raise InvalidAnswer("This answer can no longer be replied to.") from None
    platform, workspace, user_id = json.loads(plain)
    return PersonAddress(platform=platform, workspace=workspace, user_id=user_id)


async def reply_to_item(
    *,
    session: Session,
    notifiers: NotifierRegistry,
    key: bytes | None,
    item_key: str,
    leader_user_id: str,
    text: str | None,
) -> None:
    """Relay a leader's reply to the author of a released anonymous answer (no database on the loop)."""
    await asyncio.to_thread(
        queue_reply,
        session=session,
        key=key,
        item_key=item_key,
        leader_user_id=leader_user_id,
        text=text,
    )
    await dispatch(session, notifiers, relay_key=key)


def queue_reply(
    *, session: Session, key: bytes | None, item_key: str, leader_user_id: str, text: str | None
) -> None:
    """Check the reply and queue it for the author, sealed (blocking)."""
    text = clean_text(text)
    if text is None:
        raise InvalidAnswer("An empty reply was not sent.")
    item = session.get(AnonymousAnswer, item_key)
    if item is None or not item.released:
        raise NotFound("No released anonymous answer has that reference.")
    occurrence = session.get(Occurrence, item.occurrence_id)
    ritual = session.get(Ritual, occurrence.ritual_id) if occurrence else None
    assert occurrence is not None and ritual is not None
    leader = find_member(session=session, team_id=ritual.team_id, platform_user_id=leader_user_id)
    if leader is None or not leader.is_leader:
        raise InvalidAnswer("Only the team's leaders can reply to its anonymous answers.")
    if item.reply_seal is None:
        raise InvalidAnswer("The author chose not to receive replies to this answer.")
    if key is None:
        raise InvalidAnswer("Replies are off: set HAVEN_RELAY_KEY to relay them.")
    author = unseal(key=key, sealed=item.reply_seal, occurrence_id=occurrence.id)  # it opens
    message = LeaderReply(question=ritual.question, answer_excerpt=item.text[:200], reply=text)
    relay = Envelope(  # the row holds the seal, never the author: unsealed only to send
        key=f"{ANONYMOUS}relay:{secrets.token_hex(16)}",
        action="send_direct",
        platform=author.platform,
        workspace=author.workspace,
        sealed_to=item.reply_seal,
        seal_context=occurrence.id,
        message=message,
        give_up_at=utcnow() + RELAY_PATIENCE,
    )
    enqueue(session, [relay])
    session.commit()
