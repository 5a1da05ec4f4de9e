"""The HTTP edge: verify Slack's signature, parse the body, hand it to Bolt, answer in aiohttp terms."""

import logging

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.signature import SignatureVerifier

log = logging.getLogger(__name__)


class EventsEndpoint:
    """POST /slack/events: events, interactivity and slash commands, in one signed endpoint."""

    def __init__(self, *, app: AsyncApp, signing_secret: str) -> None:
        self.app = app
        self.verifier = SignatureVerifier(signing_secret=signing_secret)

    async def handle(self, request: web.Request) -> web.Response:
        """Refuse unsigned, badly signed or stale requests with 401, malformed ones with 400."""
        raw = await request.read()
        timestamp = request.headers.get("X-Slack-Request-Timestamp", "")
        signature = request.headers.get("X-Slack-Signature", "")
        if not timestamp.isdigit() or not self.verifier.is_valid(
            body=raw, timestamp=timestamp, signature=signature
        ):
            log.info("refused a Slack request with a missing, wrong or stale signature")
            return web.Response(status=401, text="invalid signature")
        try:  # Bolt parses the body once, here; a parse error must not become a 500
            bolt_request = AsyncBoltRequest(
                body=raw.decode("utf-8"),
                query=request.query_string,
                headers=request.headers,  # type: ignore[arg-type]
            )
        except ValueError:  # not UTF-8, or JSON that does not parse
            return web.Response(status=400, text="malformed body")
        return await to_aiohttp_response(await self.app.async_dispatch(bolt_request))


class OAuthEndpoints:
    """GET /slack/install and /slack/oauth_redirect, through Bolt's OAuth flow."""

    def __init__(self, *, app: AsyncApp) -> None:
        assert app.oauth_flow is not None
        self.flow = app.oauth_flow

    async def install(self, request: web.Request) -> web.Response:
        """Start an installation: a page with the 'Add to Slack' link and a state cookie."""
        return await to_aiohttp_response(
            await self.flow.handle_installation(await to_bolt_request(request))
        )

    async def redirect(self, request: web.Request) -> web.Response:
        """Finish an installation: exchange the code, store the installation."""
        return await to_aiohttp_response(
            await self.flow.handle_callback(await to_bolt_request(request))
        )
