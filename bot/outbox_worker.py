"""The outbox worker every `haven serve` runs: sends due rows, one replica per workspace at a time.

For each (platform, workspace) with due rows the worker takes a lease (storage.outbox_leases);
while it holds it no other replica sends there, so the in-process Slack pacer is the
workspace's only pacer and Slack's per-method and per-channel limits hold across replicas.
It claims small batches, sends them concurrently with no database session open, and marks the
outcomes in one short transaction.
"""

import asyncio
import contextlib
import logging
from datetime import UTC, datetime, timedelta

from slack_sdk.errors import SlackApiError
from sqlalchemy.engine import Engine

from rituals.clock import utcnow
from rituals.errors import HavenError, PlatformUnavailable
from rituals.metrics import OUTBOX_DEPTH, OUTBOX_OLDEST
from rituals.outbox_sender import (
    CALL_TIMEOUT_SECONDS,
    CLAIM_SECONDS,
    Claimed,
    Outcome,
    attempt,
    claim_due,
    due_workspaces,
    mark,
)
from rituals.ports import NotifierRegistry
from storage.outbox_leases import give_back_lease, outbox_counts, prune_sent, take_lease

log = logging.getLogger(__name__)

BATCH = 32
CONCURRENCY = 16
IDLE_SECONDS = 1.0
KEEP_SENT = timedelta(days=7)  # sent rows are kept a week (for an admin's questions), then deleted
PRUNE_EVERY = timedelta(hours=1)
SLACK_RETRYABLE = frozenset(
    {"internal_error", "fatal_error", "service_unavailable", "request_timeout", "ratelimited"}
)


def classify(error: BaseException) -> float | None:
    """Return the least delay before retrying error, or None when the platform refused for good."""
    if isinstance(error, SlackApiError):
        status = getattr(error.response, "status_code", 200)
        if status == 429:
            headers = getattr(error.response, "headers", {}) or {}
            return float(headers.get("Retry-After") or headers.get("retry-after") or 1)
        if status >= 500 or error.response.get("error") in SLACK_RETRYABLE:
            return 0.0
        return None  # channel_not_found, not_in_channel, invalid_auth...: sending again cannot help
    if type(error).__name__ == "ConversationGone":  # Teams: the bot left the conversation
        return None
    if isinstance(error, HavenError):
        # Teams wraps what failed after its own retries: judge the cause. Without one the
        # platform said no for good (not installed, conversation unknown, platform off here).
        cause = error.__cause__
        return classify(cause) if isinstance(error, PlatformUnavailable) and cause else None
    return 0.0  # network errors, timeouts, Teams 429/5xx after its own retries


class OutboxWorker:
    """Sends this replica's share of the outbox until stopped."""

    def __init__(
        self,
        *,
        engine: Engine,
        notifiers: NotifierRegistry,
        replica: str,
        relay_key: bytes | None,
        concurrency: int = CONCURRENCY,
        batch: int = BATCH,
        idle_seconds: float = IDLE_SECONDS,
        call_timeout: float = CALL_TIMEOUT_SECONDS,
        claim_seconds: float = CLAIM_SECONDS,
    ) -> None:
        self.engine = engine
        self.notifiers = notifiers
        self.replica = replica
        self.relay_key = relay_key
        self.batch = batch
        self.idle_seconds = idle_seconds
        self.call_timeout = call_timeout
        self.claim_seconds = claim_seconds
        self.lease_seconds = claim_seconds / 2  # renewed every third of it while sending
        self._slots = asyncio.Semaphore(concurrency)
        self._wake = asyncio.Event()
        self._senders: dict[tuple[str, str], asyncio.Task[None]] = {}
        self._pruned = datetime.min.replace(tzinfo=UTC)

    def wake(self) -> None:
        """Look for due rows now instead of at the next idle tick."""
        self._wake.set()

    async def dispatcher(
        self, _engine: Engine, _notifiers: object, _relay_key: object, _now: datetime
    ) -> None:
        """rituals.outbox's dispatch hook in `haven serve`: wake the worker, send nothing inline."""
        self.wake()

    async def run(self) -> None:
        """Look for due rows on every wake-up and idle tick; start a sender per leased workspace."""
        try:
            while True:
                try:
                    await self._round()
                except Exception:  # the database is away for now: look again at the next tick
                    log.exception("outbox: could not look for due messages")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout=self.idle_seconds)
                self._wake.clear()
        finally:
            for task in self._senders.values():
                task.cancel()

    async def _round(self) -> None:
        now = utcnow()
        self._senders = {k: t for k, t in self._senders.items() if not t.done()}
        for workspace in await asyncio.to_thread(due_workspaces, self.engine, now=now):
            if workspace in self._senders:
                continue
            if await asyncio.to_thread(self._lease, workspace):
                self._senders[workspace] = asyncio.create_task(self._send_workspace(workspace))
        if now - self._pruned > PRUNE_EVERY:
            self._pruned = now
            await asyncio.to_thread(prune_sent, self.engine, before=now - KEEP_SENT)
        counts = await asyncio.to_thread(outbox_counts, self.engine, now=now)
        OUTBOX_DEPTH.set(counts["pending"])
        OUTBOX_OLDEST.set(counts["oldest_pending_seconds"])

    def _lease(self, workspace: tuple[str, str]) -> bool:
        return take_lease(
            self.engine,
            platform=workspace[0],
            workspace=workspace[1],
            holder=self.replica,
            now=utcnow(),
            seconds=self.lease_seconds,
        )

    async def _send_workspace(self, workspace: tuple[str, str]) -> None:
        """Send the workspace's due rows batch after batch while this replica holds its lease."""
        lost = asyncio.Event()
        keeper = asyncio.create_task(self._keep_lease(workspace, lost))
        try:
            while not lost.is_set():
                batch = await asyncio.to_thread(
                    claim_due,
                    self.engine,
                    replica=self.replica,
                    now=utcnow(),
                    limit=self.batch,
                    workspace=workspace,
                    claim_seconds=self.claim_seconds,
                )
                if not batch:
                    return
                outcomes = await asyncio.gather(*(self._attempt(item) for item in batch))
                await asyncio.to_thread(
                    mark,
                    self.engine,
                    list(zip(batch, outcomes, strict=True)),
                    replica=self.replica,
                    now=utcnow(),
                )
        except Exception:
            log.exception("outbox: sending for %s %s stopped", *workspace)
        finally:
            keeper.cancel()
            with contextlib.suppress(Exception):
                await asyncio.to_thread(
                    give_back_lease,
                    self.engine,
                    platform=workspace[0],
                    workspace=workspace[1],
                    holder=self.replica,
                )

    async def _keep_lease(self, workspace: tuple[str, str], lost: asyncio.Event) -> None:
        """Renew the lease while sending; say when another replica has it (this one stops)."""
        while True:
            await asyncio.sleep(self.lease_seconds / 3)
            try:
                held = await asyncio.to_thread(self._lease, workspace)
            except Exception:
                held = False
            if not held:
                lost.set()
                return

    async def _attempt(self, item: Claimed) -> Outcome:
        async with self._slots:
            return await attempt(
                item,
                self.notifiers,
                relay_key=self.relay_key,
                classify=classify,
                timeout=self.call_timeout,
            )
