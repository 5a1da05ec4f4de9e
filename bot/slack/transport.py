"""The HTTP edge: verify Slack's signature, parse the body, hand it to Bolt, answer in aiohttp terms."""

import logging
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.request.async_internals import build_async_context
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.signature import SignatureVerifier

from bot.error_site import where
from bot.slack.payloads import MAX_BODY_BYTES, Malformed, parse_payload

log = logging.getLogger(__name__)


class EventsEndpoint:
    """POST /slack/events: events, interactivity and slash commands, in one signed endpoint."""

    def __init__(self, *, app: AsyncApp, signing_secret: str) -> None:
        self.app = app
        self.verifier = SignatureVerifier(signing_secret=signing_secret)

    async def handle(self, request: web.Request) -> web.Response:
        """Refuse unsigned, badly signed or stale requests with 401, malformed ones with 400."""
        if (request.content_length or 0) > MAX_BODY_BYTES:
            return web.Response(status=413, text="body too large")
        raw = await request.content.read(MAX_BODY_BYTES + 1)
        if len(raw) > MAX_BODY_BYTES:
            return web.Response(status=413, text="body too large")
        timestamp = request.headers.get("X-Slack-Request-Timestamp", "")
        signature = request.headers.get("X-Slack-Signature", "")
        try:
            body = raw.decode("utf-8")
        except UnicodeDecodeError:  # slack_sdk's verifier would decode it, and fail, itself
            if not (timestamp and signature):
                return _unsigned()
            return web.Response(status=400, text="malformed body: not UTF-8")
        well_formed = timestamp.isascii() and timestamp.isdigit() and signature.isascii()
        if not well_formed or not self.verifier.is_valid(
            body=body, timestamp=timestamp, signature=signature
        ):
            return _unsigned()
        try:  # a body of the wrong shape must not reach Bolt
            payload = parse_payload(body=body, content_type=request.headers.get("Content-Type", ""))
            bolt_request = parsed_request(body=body, payload=payload, request=request)
        except Malformed as error:
            log.info("refused a signed Slack request: %s", error)
            return web.Response(status=400, text=f"malformed body: {error}")
        except Exception as error:  # Bolt's own reading of the body failed on an odd shape
            log.info("refused a signed Slack request Bolt cannot read: %s", type(error).__name__)
            return web.Response(status=400, text="malformed body")
        try:
            response = await self.app.async_dispatch(bolt_request)
        except Exception as error:  # Bolt's own error handling failed on an odd payload
            log.warning("Slack request not handled: %s at %s", type(error).__name__, where(error))
            return web.Response(status=400, text="Haven could not handle this request")
        return await to_aiohttp_response(response)


def parsed_request(*, body: str, payload: dict[str, Any], request: web.Request) -> AsyncBoltRequest:
    """Return Bolt's request for a body parsed already (parse_payload parses it as Bolt does).

    Bolt would parse the body once more; on a busy check-in that second parse is a few percent
    of the event loop's time, so the parsed payload is handed over instead.
    """
    bolt_request = AsyncBoltRequest(
        body="",
        query=request.query_string,
        headers=request.headers,  # type: ignore[arg-type]
    )
    bolt_request.raw_body, bolt_request.body = body, payload
    bolt_request.context = build_async_context(AsyncBoltContext({}), payload)
    return bolt_request


def _unsigned() -> web.Response:
    log.info("refused a Slack request with a missing, wrong or stale signature")
    return web.Response(status=401, text="invalid signature")


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
