"""Pace Bot Framework calls to Teams' published limits per conversation and per tenant.

Microsoft's "Optimize your bot with rate limiting in Teams"
(https://learn.microsoft.com/en-us/microsoftteams/platform/bots/how-to/rate-limit) limits each
bot per thread (a personal chat, a group chat or a channel conversation). For "send to
conversation" its table allows at most 7 operations in 1 s, 8 in 2 s, 60 in 30 s and 1800 in
3600 s; it limits each app per tenant to 50 requests a second across all conversations. Teams
answers 429 past them; the retries of bot/teams/retry.py still handle what gets through. The
outbox sends a tenant's rows from one replica at a time (its lease per workspace), so this
process-local pacer holds across replicas, as bot/slack/pacing.py does for Slack.
"""

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable, Sequence

Windows = Sequence[tuple[float, int]]  # (seconds, most operations allowed in any such window)

PER_CONVERSATION: Windows = ((1.0, 7), (2.0, 8), (30.0, 60), (3600.0, 1800))
PER_TENANT: Windows = ((1.0, 50),)
# Teams counts calls as they arrive: a call that waited less on the network than the one before it
# must not land in that one's window, so each window is kept this much longer.
MARGIN_SECONDS = 0.25
SWEEP_SECONDS = 60.0  # how often conversations and tenants with no call left in view are forgotten


class TeamsPacer:
    """Sliding windows per conversation and per tenant that make callers wait their turn."""

    def __init__(
        self,
        *,
        per_conversation: Windows = PER_CONVERSATION,
        per_tenant: Windows = PER_TENANT,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        margin: float = MARGIN_SECONDS,
    ) -> None:
        self.per_conversation = [(seconds + margin, most) for seconds, most in per_conversation]
        self.per_tenant = [(seconds + margin, most) for seconds, most in per_tenant]
        self.clock = clock
        self.sleep = sleep
        self._calls: dict[tuple[str, str], deque[float]] = {}
        self._longest = {  # by kind of key: the longest window, beyond which a call is forgotten
            "conversation": max(seconds for seconds, _ in self.per_conversation),
            "tenant": max(seconds for seconds, _ in self.per_tenant),
        }
        self._swept = clock()

    async def wait(self, *, tenant: str, conversation: str) -> None:
        """Return when one more call may go to the conversation (a thread counts as its channel).

        Without a conversation (creating a personal chat) only the tenant's limit applies.
        """
        if conversation:
            await self._take(("conversation", conversation), self.per_conversation)
        await self._take(("tenant", tenant), self.per_tenant)

    async def _take(self, key: tuple[str, str], windows: Windows) -> None:
        """Record one call under key once every window has room for it, waiting until then."""
        self._forget_idle(self.clock())
        calls = self._calls.setdefault(key, deque())
        longest = self._longest[key[0]]
        while True:
            now = self.clock()
            while calls and calls[0] <= now - longest:
                calls.popleft()
            delay = max(self._delay(calls, now, seconds, most) for seconds, most in windows)
            if delay <= 0:
                calls.append(now)
                return
            await self.sleep(delay)

    def _forget_idle(self, now: float) -> None:
        """Once a minute, drop the conversations and tenants whose calls have all left view.

        Without this the pacer would keep an entry for every conversation it ever sent to, for
        the life of the process. A waiter's conversation is never idle, so none is dropped.
        """
        if now - self._swept < SWEEP_SECONDS:
            return
        self._swept = now
        idle = [
            key
            for key, calls in self._calls.items()
            if not calls or calls[-1] <= now - self._longest[key[0]]
        ]
        for key in idle:
            del self._calls[key]

    @staticmethod
    def _delay(calls: deque[float], now: float, seconds: float, most: int) -> float:
        """Return how long until a window of seconds ending then holds fewer than most calls."""
        if len(calls) < most:
            return 0.0
        blocking = calls[len(calls) - most]  # the oldest call that must leave the window
        return blocking + seconds - now
