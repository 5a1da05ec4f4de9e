"""The last guard of the HTTP server: no request gets a 5xx or writes a traceback."""

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.error_site import where

log = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def answer_failures(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Answer a request whose handler failed unforeseen with 400 and one log line, no traceback.

    The platform guards (bot/slack/guard.py, the Teams bot's on_turn) answer people first; this
    one only catches what fails around them, such as a body an SDK cannot read.
    """
    try:
        return await handler(request)
    except web.HTTPException:
        raise  # aiohttp's own answers: 404, 405, 413 …
    except Exception as error:
        log.warning(
            "%s %s failed: %s at %s",
            request.method,
            request.path[:80],
            type(error).__name__,
            where(error),
        )
        return web.json_response({"error": "Haven could not handle this request"}, status=400)
