"""Call the Bot Framework connector again on 429 and 5xx, with exponential backoff and jitter."""

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from botbuilder.core import BotAdapter, Middleware, TurnContext
from msrest.exceptions import ClientRequestError

from rituals.errors import PlatformUnavailable
from rituals.metrics import SEND_FAILURES, SEND_RETRIES

log = logging.getLogger(__name__)
T = TypeVar("T")
GONE_CODES = {"ConversationNotFound", "BotNotInConversationRoster", "ConversationBlockedByUser"}


class ConversationGone(Exception):
    """Teams says the bot is no longer in the conversation (HTTP 403, or 404 ConversationNotFound)."""

    def __init__(self, status: int) -> None:
        super().__init__(f"Teams answered HTTP {status}: the bot is no longer in the conversation")
        self.status = status


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently to call the connector again."""

    attempts: int = 4
    base_delay: float = 0.5  # seconds before the second try; doubles each time
    max_delay: float = 30.0

    def delay(self, *, attempt: int, retry_after: float | None) -> float:
        """Return the pause before try attempt + 2: half to full backoff, at least Retry-After."""
        backoff = min(self.max_delay, self.base_delay * 2**attempt)
        jittered = random.uniform(backoff / 2, backoff)
        return max(jittered, min(retry_after or 0.0, self.max_delay))


def http_status(error: BaseException) -> int | None:
    """Return the HTTP status of a connector error, if it has one."""
    response = getattr(error, "response", None)
    status = getattr(response, "status_code", None)
    return status if isinstance(status, int) else None


def error_code(error: BaseException) -> str:
    """Return the Bot Framework error code of a connector error, if it says one."""
    body = getattr(error, "error", None)
    inner = getattr(body, "error", None)
    return str(getattr(inner, "code", "") or "")


def retry_after(error: BaseException) -> float | None:
    """Return the seconds a 429 or 503 asks to wait, if it says."""
    headers = getattr(getattr(error, "response", None), "headers", None) or {}
    try:
        return float(headers.get("Retry-After"))
    except (TypeError, ValueError):
        return None


def is_gone(error: BaseException) -> bool:
    """Return whether the error says the bot was removed from the conversation."""
    status = http_status(error)
    return status == 403 or (status == 404 and error_code(error) in GONE_CODES)


def is_transient(error: BaseException) -> bool:
    """Return whether trying again later may succeed: throttling, a server error, no connection."""
    status = http_status(error)
    if status is not None:
        return status == 429 or status >= 500
    return isinstance(error, ClientRequestError | ConnectionError | asyncio.TimeoutError)


async def with_retries(
    call: Callable[[], Awaitable[T]],
    *,
    policy: RetryPolicy,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> T:
    """Run call, retrying transient failures; raise ConversationGone or PlatformUnavailable when done."""
    for attempt in range(policy.attempts):
        try:
            return await call()
        except Exception as error:
            if is_gone(error):
                raise ConversationGone(http_status(error) or 403) from error
            if not is_transient(error):
                raise
            status = http_status(error)
            if attempt == policy.attempts - 1:
                SEND_FAILURES.labels(platform="teams").inc()
                raise PlatformUnavailable(
                    f"Teams did not accept the request after {policy.attempts} tries "
                    f"({f'HTTP {status}' if status else type(error).__name__}); try again later"
                ) from error
            pause = policy.delay(attempt=attempt, retry_after=retry_after(error))
            SEND_RETRIES.labels(platform="teams").inc()
            log.info("Teams connector answered %s; trying again in %.1fs", status or "no", pause)
            await sleep(pause)
    raise AssertionError("unreachable: the loop returns or raises")


class NoLibraryRetries(Middleware):
    """Turn off msrest's own status retries, so with_retries alone decides (with jitter) what to retry."""

    async def on_turn(self, context: TurnContext, logic: Callable[[], Awaitable[None]]) -> None:
        """Clear the retried status codes of this turn's connector client."""
        client = context.turn_state.get(BotAdapter.BOT_CONNECTOR_CLIENT_KEY)
        policy = getattr(
            getattr(getattr(client, "config", None), "retry_policy", None), "policy", None
        )
        if policy is not None:
            policy.status_forcelist = set()
        await logic()
