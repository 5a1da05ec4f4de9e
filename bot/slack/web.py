"""Web API clients: Haven's base URL, 429 retries after Retry-After, pacing, one token per workspace."""

import logging
from typing import Any

from aiohttp import ClientSession, ClientTimeout
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from bot.slack.pacing import Pacer
from rituals.errors import PlatformUnavailable
from rituals.metrics import MESSAGES_SENT, SEND_FAILURES, SEND_RETRIES

RATE_LIMIT_RETRIES = (
    10  # each waits Retry-After, so a burst of 429s delays a prompt, never drops it
)
# Seconds one Web API call may take before it fails (slack_sdk's own default is 30): a Slack that
# accepts and never answers must not keep a round, or anything waiting behind it, for longer.
CALL_TIMEOUT_SECONDS = 10

# slack_sdk logs request bodies at DEBUG; they can hold user ids, so this logger never goes below INFO.
quiet_logger = logging.getLogger("bot.slack.web")
quiet_logger.setLevel(logging.INFO)


class CountedConnectionRetries(AsyncConnectionErrorRetryHandler):
    """slack_sdk's retry after a connection error, counted in haven_send_retries."""

    async def prepare_for_next_attempt_async(self, **arguments: Any) -> None:
        """Count the retry, then wait as slack_sdk does."""
        SEND_RETRIES.labels(platform="slack").inc()
        await super().prepare_for_next_attempt_async(**arguments)


class CountedRateLimitRetries(AsyncRateLimitErrorRetryHandler):
    """slack_sdk's retry after a 429 (waiting Retry-After), counted in haven_send_retries."""

    async def prepare_for_next_attempt_async(self, **arguments: Any) -> None:
        """Count the retry, then wait as slack_sdk does."""
        SEND_RETRIES.labels(platform="slack").inc()
        await super().prepare_for_next_attempt_async(**arguments)


def retry_handlers() -> list:  # type: ignore[type-arg]
    """Return the retry policy of every Haven client: connection errors once, 429s until served."""
    return [
        CountedConnectionRetries(),
        CountedRateLimitRetries(max_retry_count=RATE_LIMIT_RETRIES),
    ]


class CountedWebClient(AsyncWebClient):
    """An AsyncWebClient that counts the messages Slack accepted and the calls that failed."""

    async def api_call(self, api_method: str, **kwargs: Any) -> AsyncSlackResponse:  # type: ignore[override]
        """Call the method; count a sent message, or a failure."""
        try:
            response = await super().api_call(api_method, **kwargs)
        except Exception:
            SEND_FAILURES.labels(platform="slack").inc()
            raise
        if api_method.startswith("chat."):
            MESSAGES_SENT.labels(platform="slack", method=api_method).inc()
        return response


class PacedWebClient(CountedWebClient):
    """An AsyncWebClient that waits for the pacer before each call of a rate-limited method."""

    def __init__(self, *, pacer: Pacer, workspace: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.pacer = pacer
        self.workspace = workspace

    async def api_call(self, api_method: str, **kwargs: Any) -> AsyncSlackResponse:  # type: ignore[override]
        """Wait for the method's turn, then call it."""
        body = kwargs.get("json") or kwargs.get("data") or kwargs.get("params") or {}
        channel = body.get("channel", "") if isinstance(body, dict) else ""
        await self.pacer.wait(workspace=self.workspace, method=api_method, channel=str(channel))
        return await super().api_call(api_method, **kwargs)


def web_session() -> ClientSession:
    """Return the HTTP session every Slack client of a server shares, with the call timeout.

    slack_sdk applies its own timeout only to the sessions it makes itself; a shared session
    without one would wait aiohttp's default five minutes for a Slack that never answers.
    """
    return ClientSession(timeout=ClientTimeout(total=CALL_TIMEOUT_SECONDS))


def plain_client(*, api_url: str, token: str | None = None) -> AsyncWebClient:
    """Return an unpaced client on Haven's API URL with the 429 retry policy (for Bolt's requests)."""
    return CountedWebClient(
        token=token,
        base_url=api_url,
        timeout=CALL_TIMEOUT_SECONDS,
        retry_handlers=retry_handlers(),
        logger=quiet_logger,
    )


class SlackClients:
    """Finds the bot token of a workspace and hands out one paced client per workspace."""

    def __init__(
        self,
        *,
        api_url: str,
        token: str = "",
        installation_store: AsyncInstallationStore | None = None,
        pacer: Pacer | None = None,
    ) -> None:
        self.api_url = api_url
        self.token = token
        self.installation_store = installation_store
        self.pacer = pacer or Pacer()
        self._clients: dict[tuple[str, str], PacedWebClient] = {}
        self._session: ClientSession | None = None

    def use_session(self, session: ClientSession | None) -> None:
        """Send every call through one HTTP session (kept-alive connections) instead of one each."""
        self._session = session
        for client in self._clients.values():
            client.session = session

    async def token_for(self, workspace: str) -> str:
        """Return the bot token for a Slack team id, raising PlatformUnavailable when not installed."""
        if self.installation_store is None:
            return self.token
        bot = await self.installation_store.async_find_bot(enterprise_id=None, team_id=workspace)
        if bot is None or not bot.bot_token:
            raise PlatformUnavailable(f"Haven is not installed in Slack workspace {workspace}.")
        return bot.bot_token

    async def for_workspace(self, workspace: str) -> PacedWebClient:
        """Return the paced client of a workspace."""
        token = await self.token_for(workspace)
        key = (workspace, token)
        if key not in self._clients:
            self._clients[key] = PacedWebClient(
                pacer=self.pacer,
                workspace=workspace,
                token=token,
                base_url=self.api_url,
                timeout=CALL_TIMEOUT_SECONDS,
                retry_handlers=retry_handlers(),
                logger=quiet_logger,
                session=self._session,
            )
        return self._clients[key]
