"""POST /api/messages: an aiohttp request becomes a Bot Framework activity for the CloudAdapter."""

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from botbuilder.core import Bot, serializer_helper
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity

from bot.teams.adapter import TeamsAuth

log = logging.getLogger(__name__)


def parse_activity(body: Any) -> Activity | str:
    """Return the activity in a request body, or what is wrong with it."""
    if not isinstance(body, dict):
        return "the body is not a JSON object"
    if not isinstance(body.get("type"), str):
        return "the activity has no type"
    try:
        activity = Activity().deserialize(body)
    except Exception:
        return "the body is not a Bot Framework activity"
    if not activity.type:
        return "the activity has no type"
    if not (activity.conversation and activity.conversation.id):
        return "the activity has no conversation"
    if not activity.service_url:
        return "the activity has no serviceUrl"
    if not (activity.recipient and activity.recipient.id):
        return "the activity has no recipient"
    return activity


def lasts_a_limited_time(authenticated: Any) -> bool:
    """Return whether an authenticated request's token carries an expiry (botbuilder allows none)."""
    identity = getattr(authenticated, "claims_identity", None)
    claims = getattr(identity, "claims", None) or {}
    return isinstance(claims.get("exp"), int | float)


def messages_handler(
    *, adapter: CloudAdapter, bot: Bot, auth: TeamsAuth
) -> Callable[[web.Request], Awaitable[web.Response]]:
    """Return the handler of POST /api/messages."""

    async def messages(request: web.Request) -> web.Response:
        header = request.headers.get("Authorization", "")
        if auth.required and not header:
            return web.json_response({"error": "Authorization required"}, status=401)
        if "application/json" not in request.headers.get("Content-Type", ""):
            return web.json_response({"error": "Content-Type must be application/json"}, status=415)
        try:
            body = await request.json()
        except (ValueError, RecursionError):
            return web.json_response({"error": "the body is not JSON Haven can read"}, status=400)
        activity = parse_activity(body)
        if isinstance(activity, str):
            return web.json_response({"error": activity}, status=400)
        try:
            authenticated = await adapter.bot_framework_authentication.authenticate_request(
                activity, header
            )
        except Exception as error:  # PermissionError, a JWT that does not decode, keys unreachable
            log.warning("rejected a Teams request: %s", type(error).__name__)
            return web.json_response({"error": "Unauthorized"}, status=401)
        if auth.required and not lasts_a_limited_time(authenticated):
            log.warning("rejected a Teams request: the token has no exp claim")
            return web.json_response(
                {"error": "Unauthorized: the token has no expiry (exp)"}, status=401
            )
        response = await adapter.process_activity(authenticated, activity, bot.on_turn)
        if response is None:
            return web.Response(status=201)
        body = (
            response.body if isinstance(response.body, dict) else serializer_helper(response.body)
        )
        return web.json_response(body, status=response.status)

    return messages
