"""Pace Web API calls to Slack's published per-method rate limits, so bulk prompts are not refused."""

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

# Calls per minute per workspace (Slack's tiers: 2 = 20, 3 = 50, 4 = 100); chat.postMessage is
# limited per channel to about one a second, with short bursts.
PER_MINUTE: Mapping[str, int] = {
    "chat.postMessage": 60,
    "chat.update": 50,
    "chat.postEphemeral": 100,
    "conversations.open": 50,
    "conversations.members": 100,
    "conversations.history": 50,
    "conversations.replies": 50,
    "users.info": 100,
    "views.open": 100,
    "views.publish": 100,
    "files.getUploadURLExternal": 20,
    "files.completeUploadExternal": 20,
}
PER_CHANNEL = frozenset({"chat.postMessage", "chat.update"})
# Above the per-channel limit Slack caps posting across a workspace at "several hundred
# messages per minute" (its chat.postMessage documentation); Haven keeps to 300.
WORKSPACE_CAP: Mapping[str, int] = {"chat.postMessage": 300}
BURST_SECONDS = 6.0  # a full bucket holds this many seconds' worth of calls


@dataclass
class _Bucket:
    tokens: float
    updated: float


class Pacer:
    """A token bucket per (workspace, method[, channel]) that makes callers wait their turn."""

    def __init__(
        self,
        *,
        per_minute: Mapping[str, int] = PER_MINUTE,
        burst_seconds: float = BURST_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        scale: float = 1.0,
    ) -> None:
        self.workspace_cap = {method: limit * scale for method, limit in WORKSPACE_CAP.items()}
        self.per_minute: dict[str, float] = {
            method: limit * scale for method, limit in per_minute.items()
        }
        self.burst_seconds = burst_seconds
        self.clock = clock
        self.sleep = sleep
        self._buckets: dict[tuple[str, ...], _Bucket] = {}

    def _capacity(self, rate_per_second: float) -> float:
        return max(1.0, rate_per_second * self.burst_seconds)

    async def wait(self, *, workspace: str, method: str, channel: str = "") -> None:
        """Return when one more call of method may go to Slack."""
        limit = self.per_minute.get(method)
        if not limit:
            return
        per_channel = method in PER_CHANNEL
        await self._take((workspace, method, channel if per_channel else ""), limit / 60.0)
        cap = self.workspace_cap.get(method) if per_channel else None
        if cap:
            await self._take((workspace, method, "*"), cap / 60.0)

    async def _take(self, key: tuple[str, ...], rate: float) -> None:
        """Take one token from the bucket of key, waiting for it to refill when empty."""
        capacity = self._capacity(rate)
        bucket = self._buckets.setdefault(key, _Bucket(tokens=capacity, updated=self.clock()))
        while True:
            now = self.clock()
            bucket.tokens = min(capacity, bucket.tokens + (now - bucket.updated) * rate)
            bucket.updated = now
            if bucket.tokens >= 1:
                bucket.tokens -= 1
                return
            await self.sleep((1 - bucket.tokens) / rate)
