"""Send outbox rows: claim due rows, call the platform with no session open, mark the outcome.

One row goes to its platform at most once: a claim (claimed_by, claimed_until) keeps every
other sender off it; on PostgreSQL due rows are claimed with FOR UPDATE SKIP LOCKED. A row
whose claim expired unmarked (its sender died) or whose attempt ended without an answer (a
timeout) is doubtful: before sending it again the sender asks the platform whether it arrived
(Notifier.find_sent, Slack's message metadata); a platform that cannot tell leaves it in_doubt,
visible and not sent again.
"""

import asyncio
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from rituals.clock import utcnow
from rituals.errors import HavenError
from rituals.loop_lock import LoopLock
from rituals.messages import Message
from rituals.metrics import OUTBOX_FAILED, SEND_RETRIES
from rituals.outbox import ANONYMOUS, SENDING_KEY
from rituals.outbox_codec import decode
from rituals.ports import ChannelAddress, NotifierRegistry, PersonAddress
from rituals.relay import unseal
from storage.models import Answer, Occurrence
from storage.models_digest import DigestDelivery
from storage.models_outbox import OutboxMessage

log = logging.getLogger(__name__)
_drain_turn = LoopLock()  # inline drains of a process take turns (see drain)

CLAIM_SECONDS = 60  # a claim older than this was abandoned (its sender died): the row is doubtful
CALL_TIMEOUT_SECONDS = 60.0  # every platform call ends by then; the row is then doubtful
BACKOFF_BASE_SECONDS = 2.0
BACKOFF_MAX_SECONDS = 300.0
WAIT_FOR_REF_SECONDS = 1.0  # an update waiting for the post it updates


@dataclass(frozen=True)
class Claimed:
    """A claimed row, detached from any session, with what the send needs."""

    id: int
    key: str
    action: str
    platform: str
    workspace: str
    channel: str
    user_id: str
    sealed_to: str
    seal_context: int
    ref: str
    ref_state: str  # the state of the row whose reference this one needs, or "" when none
    payload: str
    follow_up: str
    attempts: int
    doubtful: bool
    first_attempt_at: datetime
    give_up_at: datetime


@dataclass(frozen=True)
class Outcome:
    """What one attempt came to: sent (with the platform's ref), retry later, failed or in doubt."""

    state: str  # sent | retry | failed | in_doubt | wait
    ref: str = ""
    error: str = ""
    delay: float = 0.0
    doubtful: bool = False  # a retry whose attempt may have reached the platform


Classifier = Callable[[BaseException], float | None]


def retry_everything(error: BaseException) -> float | None:
    """Retry any error with backoff (None would mean: refused for good, do not retry)."""
    return None if isinstance(error, HavenError) else 0.0


def backoff(attempts: int, *, floor: float = 0.0) -> float:
    """Return the delay before the next attempt: exponential with full jitter, at least floor."""
    ceiling = min(BACKOFF_MAX_SECONDS, BACKOFF_BASE_SECONDS * 2 ** max(0, attempts - 1))
    return max(floor, random.uniform(0, ceiling))


def _due(now: datetime):  # type: ignore[no-untyped-def]
    """Return the condition of a row ready for an attempt now."""
    return (
        (col(OutboxMessage.state) == "pending")
        & (col(OutboxMessage.next_attempt_at) <= now)
        & or_(col(OutboxMessage.claimed_until).is_(None), col(OutboxMessage.claimed_until) < now)
    )


def due_workspaces(engine: Engine, *, now: datetime) -> list[tuple[str, str]]:
    """Return every (platform, workspace) with a row due now."""
    with Session(engine) as session:
        rows = session.exec(
            select(OutboxMessage.platform, OutboxMessage.workspace).where(_due(now)).distinct()
        ).all()
    return [(platform, workspace) for platform, workspace in rows]


def claim_due(
    engine: Engine,
    *,
    replica: str,
    now: datetime,
    limit: int,
    workspace: tuple[str, str] | None = None,
    claim_seconds: float = CLAIM_SECONDS,
) -> list[Claimed]:
    """Claim up to limit due rows (of one workspace), oldest first; expire those past give-up."""
    with Session(engine, expire_on_commit=False) as session:
        _give_up_expired(session, now, workspace)
        query = select(OutboxMessage).where(_due(now)).order_by(col(OutboxMessage.id)).limit(limit)
        if workspace is not None:
            query = query.where(
                OutboxMessage.platform == workspace[0], OutboxMessage.workspace == workspace[1]
            )
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        rows = list(session.exec(query).all())
        needed = {row.ref_from for row in rows if row.ref_from and not row.ref}
        references = (
            {
                other.key: other
                for other in session.exec(
                    select(OutboxMessage).where(col(OutboxMessage.key).in_(needed))
                ).all()
            }
            if needed
            else {}
        )
        claimed = []
        for row in rows:
            abandoned = row.claimed_until is not None  # claimed before and never marked
            row.doubtful = row.doubtful or abandoned
            row.attempts += 1
            row.first_attempt_at = row.first_attempt_at or now
            row.claimed_by, row.claimed_until = replica, now + timedelta(seconds=claim_seconds)
            session.add(row)
            reference = references.get(row.ref_from)
            claimed.append(
                Claimed(
                    id=row.id or 0,
                    key=row.key,
                    action=row.action,
                    platform=row.platform,
                    workspace=row.workspace,
                    channel=row.channel,
                    user_id=row.user_id,
                    sealed_to=row.sealed_to,
                    seal_context=row.seal_context,
                    ref=row.ref or (reference.sent_ref if reference else ""),
                    ref_state=(reference.state if reference else "failed") if row.ref_from else "",
                    payload=row.payload or "",
                    follow_up=row.follow_up,
                    attempts=row.attempts,
                    doubtful=row.doubtful,
                    first_attempt_at=row.first_attempt_at,
                    give_up_at=row.give_up_at,
                )
            )
        session.commit()
    return claimed


def _give_up_expired(session: Session, now: datetime, workspace: tuple[str, str] | None) -> None:
    """Fail every pending row (of the workspace) past its give-up time, with a log line and metric."""
    query = select(OutboxMessage).where(
        OutboxMessage.state == "pending",
        col(OutboxMessage.give_up_at) <= now,
        or_(col(OutboxMessage.claimed_until).is_(None), col(OutboxMessage.claimed_until) < now),
    )
    if workspace is not None:
        query = query.where(
            OutboxMessage.platform == workspace[0], OutboxMessage.workspace == workspace[1]
        )
    for row in session.exec(query).all():
        _fail(row, row.last_error or "not sent before its give-up time")
        session.add(row)


def _fail(row: OutboxMessage, error: str) -> None:
    row.state, row.last_error = "failed", error[:500]
    row.payload, row.sealed_to = None, ""  # nothing more will be sent: keep no copy of it
    row.claimed_by, row.claimed_until = "", None
    OUTBOX_FAILED.labels(platform=row.platform).inc()
    log.error(
        "outbox: gave up on %s (%s, workspace %s) after %d attempt(s): %s",
        row.key,
        row.action,
        row.workspace,
        row.attempts,
        row.last_error,
    )


async def attempt(
    item: Claimed,
    notifiers: NotifierRegistry,
    *,
    relay_key: bytes | None,
    classify: Classifier = retry_everything,
    timeout: float = CALL_TIMEOUT_SECONDS,
) -> Outcome:
    """Make one attempt at sending a claimed row; never raises."""
    if item.ref_state in ("failed", "in_doubt") or (
        item.ref_state == "" and item.action == "update_message" and not item.ref
    ):
        return Outcome("failed", error="the message it acts on was never sent, or may not be")
    if item.ref_state and not item.ref:
        return Outcome("wait", delay=WAIT_FOR_REF_SECONDS)
    token = SENDING_KEY.set(item.key)
    try:
        notifier = notifiers.for_platform(item.platform)
        message = decode(item.payload)
        if item.doubtful and item.action != "update_message":  # an update can simply run again
            found = await _already_sent(item, notifier, relay_key, timeout)
            if found is not None:
                return Outcome("sent", ref=found) if found else Outcome("in_doubt")
        ref = await asyncio.wait_for(_call(item, notifier, message, relay_key), timeout=timeout)
        return Outcome("sent", ref=ref or "")
    except Exception as error:  # every failure becomes a retry or a visible failure
        floor = classify(error)
        text = f"{type(error).__name__}: {error}"[:500]
        if floor is None:
            return Outcome("failed", error=text)
        unanswered = isinstance(error, TimeoutError)  # sent, maybe: no answer came back
        return Outcome(
            "retry", error=text, delay=backoff(item.attempts, floor=floor), doubtful=unanswered
        )
    finally:
        SENDING_KEY.reset(token)


async def _already_sent(
    item: Claimed, notifier: object, relay_key: bytes | None, timeout: float
) -> str | None:
    """Return the ref of a doubtful row found on the platform, '' when it cannot tell, None when absent."""
    finder = getattr(notifier, "find_sent", None)
    if finder is None:
        return ""
    found = await asyncio.wait_for(
        finder(
            address=_address(item, relay_key),
            thread_ref=item.ref if item.action == "post_in_thread" else "",
            key=item.key,
            since=item.first_attempt_at,
        ),
        timeout=timeout,
    )
    return found or None


def _address(item: Claimed, relay_key: bytes | None) -> ChannelAddress | PersonAddress:
    if item.action == "send_direct":
        return _person(item, relay_key)
    return ChannelAddress(platform=item.platform, workspace=item.workspace, channel=item.channel)


def _person(item: Claimed, relay_key: bytes | None) -> PersonAddress:
    if item.sealed_to:
        if relay_key is None:
            raise HavenError("a relay cannot be sent without HAVEN_RELAY_KEY")
        return unseal(key=relay_key, sealed=item.sealed_to, occurrence_id=item.seal_context)
    return PersonAddress(platform=item.platform, workspace=item.workspace, user_id=item.user_id)


async def _call(
    item: Claimed, notifier: object, message: Message, relay_key: bytes | None
) -> str | None:
    address = _address(item, relay_key)
    if item.action == "send_direct":
        return await notifier.send_direct(person=address, message=message)  # type: ignore[attr-defined]
    if item.action == "post_to_channel":
        return await notifier.post_to_channel(channel=address, message=message)  # type: ignore[attr-defined]
    if item.action == "post_in_thread":
        return await notifier.post_in_thread(  # type: ignore[attr-defined]
            channel=address, thread_ref=item.ref, message=message
        )
    if item.action == "update_message":
        await notifier.update_message(channel=address, message_ref=item.ref, message=message)  # type: ignore[attr-defined]
        return item.ref
    raise HavenError(f"unknown outbox action {item.action!r}")


def mark(
    engine: Engine, results: list[tuple[Claimed, Outcome]], *, replica: str, now: datetime
) -> None:
    """Record each attempt's outcome (only on rows this replica still holds) in one transaction."""
    with Session(engine) as session:
        for item, outcome in results:
            row = session.get(OutboxMessage, item.id)
            if row is None or row.claimed_by != replica or row.state != "pending":
                continue  # the claim expired and another sender took the row over
            _apply(session, row, item, outcome, now)
        session.commit()


def _apply(
    session: Session, row: OutboxMessage, item: Claimed, outcome: Outcome, now: datetime
) -> None:
    row.claimed_by, row.claimed_until = "", None
    if outcome.state == "sent" and row.key.startswith(ANONYMOUS):
        session.delete(row)  # nothing of it is kept: not even when it was written
        return
    if outcome.state == "sent":
        row.state, row.last_error = "sent", ""
        row.sent_ref = "" if row.sealed_to else outcome.ref[:200]  # a relay keeps no DM channel
        row.payload, row.sealed_to = None, ""  # sent: keep no copy of the message
        _follow_up(session, row.follow_up, outcome.ref)
    elif outcome.state == "in_doubt":
        row.state = "in_doubt"
        row.last_error = "sent maybe: the platform cannot tell, so it is not sent again"
        log.error("outbox: %s is in doubt (workspace %s); not sent again", row.key, row.workspace)
    elif outcome.state == "failed":
        _fail(row, outcome.error)
    else:
        delay = outcome.delay
        if outcome.state == "wait":
            row.attempts -= 1  # waiting for the message it acts on is no attempt
        else:
            SEND_RETRIES.labels(platform=row.platform).inc()
            row.last_error = outcome.error
            row.doubtful = row.doubtful or outcome.doubtful
        row.next_attempt_at = now + timedelta(seconds=delay)
        if row.next_attempt_at >= row.give_up_at and outcome.state != "wait":
            _fail(row, outcome.error)
    session.add(row)


def _follow_up(session: Session, follow_up: str, ref: str) -> None:
    """Store a returned reference where the follow-up says (occurrence, answer, digest)."""
    if not follow_up:
        return
    kind, _, ident = follow_up.partition(":")
    table = {"occurrence": Occurrence, "answer": Answer, "digest": DigestDelivery}[kind]
    values: dict[str, str] = {"message_ref": ref[:200]}
    if kind == "digest":
        values["status"] = "sent"
    session.execute(update(table).where(table.id == int(ident)).values(**values))  # type: ignore[attr-defined]


async def drain(
    engine: Engine,
    notifiers: NotifierRegistry,
    relay_key: bytes | None = None,
    now: datetime | None = None,
    *,
    replica: str = "inline",
    classify: Classifier = retry_everything,
) -> int:
    """Send every row due at now in this process, one at a time, in order; return how many went.

    Drains of one process take turns: claiming is not atomic on SQLite, and two drains at once
    could each claim, and send, the same row.
    """
    async with _drain_turn():
        return await _send_due(engine, notifiers, relay_key, now or utcnow(), replica, classify)


async def _send_due(
    engine: Engine,
    notifiers: NotifierRegistry,
    relay_key: bytes | None,
    now: datetime,
    replica: str,
    classify: Classifier,
) -> int:
    """Send every row due at now, one at a time, in order (the body of drain)."""
    sent = 0
    while True:
        progress = False
        claimed = await asyncio.to_thread(claim_due, engine, replica=replica, now=now, limit=500)
        for item in claimed:
            outcome = await attempt(item, notifiers, relay_key=relay_key, classify=classify)
            if outcome.state == "wait":  # its post may go later in this drain
                outcome = Outcome("wait", delay=0.0)
            elif outcome.state != "sent":
                log.warning(
                    "outbox: %s not sent now (%s)", item.key, outcome.error or outcome.state
                )
            await asyncio.to_thread(mark, engine, [(item, outcome)], replica=replica, now=now)
            sent += outcome.state == "sent"
            progress = progress or outcome.state != "wait"
        if not progress:
            return sent
