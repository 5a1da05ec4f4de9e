"""Store what an Events API event brings before Slack hears the 200, or answer 503 so Slack retries.

Bolt acknowledges an event before its listener runs. What must not be lost is written here, in a
listener middleware, which runs before that acknowledgement, in a worker thread. A text the
database refuses is refused on its own (retrying would not help); any other failure answers 503,
so Slack delivers the event again, and the event id is forgotten so that delivery is handled.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.response import BoltResponse
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DataError

from bot.error_site import where
from bot.slack.middleware import forget_event

log = logging.getLogger(__name__)
STORED = "haven_stored"  # the context key of what the store returned
REFUSED = "haven_refused"  # set when the database refused what the event brought
Store = Callable[[dict[str, Any], str], object]  # (event, team id) → what was stored, blocking
Next = Callable[[], Awaitable[BoltResponse | None]]
Middleware = Callable[..., Awaitable[BoltResponse | None]]


def stored_before_ack(store: Store, *, engine: Engine) -> Middleware:
    """Return a listener middleware that runs store(event, team_id) before the acknowledgement."""

    async def store_first(
        body: dict[str, Any], event: dict[str, Any], context: AsyncBoltContext, next: Next
    ) -> BoltResponse | None:
        try:
            context[STORED] = await asyncio.to_thread(store, event, context.team_id or "")
        except (DataError, UnicodeError, ValueError) as error:
            log.warning("refused an event the database could not store: %s", type(error).__name__)
            context[REFUSED] = True
        except Exception as error:  # not stored, so not acknowledged: Slack sends it again
            log.warning("could not store an event: %s at %s", type(error).__name__, where(error))
            await _forget(engine, str(body.get("event_id") or ""))
            return BoltResponse(status=503, body="")
        return await next()

    return store_first


async def _forget(engine: Engine, event_id: str) -> None:
    """Forget the event id, when the database lets us; Slack's retry is handled then."""
    if not event_id:
        return
    try:
        await asyncio.to_thread(forget_event, engine=engine, event_id=event_id)
    except Exception as error:  # the database is down: the retry will be taken for a repeat
        log.warning("could not forget event id: %s", type(error).__name__)
