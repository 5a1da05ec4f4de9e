"""Build the Bolt app: HTTP or Socket Mode, one workspace or many, with Haven's middleware."""

import logging

from slack_bolt.async_app import AsyncApp
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings

from bot.settings import Settings
from bot.slack.guard import answer_failure
from bot.slack.listeners import register_all
from bot.slack.middleware import EventDeduplication
from bot.slack.runtime import SlackRuntime, multi_workspace
from bot.slack.web import plain_client

# Bolt logs whole request bodies at DEBUG; they carry user ids, so its logger never goes below INFO.
bolt_logger = logging.getLogger("bot.slack.bolt")
bolt_logger.setLevel(logging.INFO)


class _TokenInClientNotice(logging.Filter):
    """Drop Bolt's "`token` will be unused": Haven hands Bolt a client that carries the token."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != warning_client_prioritized_and_token_skipped()


bolt_logger.addFilter(_TokenInClientNotice())

BOT_SCOPES = (
    "channels:history",
    "channels:read",
    "chat:write",
    "commands",
    "files:write",
    "groups:history",
    "groups:read",
    "im:history",
    "im:write",
    "reactions:read",
    "users:read",
)
BOT_EVENTS = (
    "app_home_opened",
    "app_uninstalled",
    "message.channels",
    "message.groups",
    "reaction_added",
    "reaction_removed",
    "tokens_revoked",
)


def oauth_settings(*, settings: Settings, runtime: SlackRuntime) -> AsyncOAuthSettings:
    """Return the OAuth settings of the multi-workspace app (install and redirect paths)."""
    return AsyncOAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret,
        scopes=list(BOT_SCOPES),
        user_scopes=[],
        install_path="/slack/install",
        redirect_uri_path="/slack/oauth_redirect",
        installation_store=runtime.installation_store,
        installation_store_bot_only=True,
        state_store=runtime.state_store,
        logger=bolt_logger,
    )


def build_bolt_app(*, settings: Settings, runtime: SlackRuntime) -> AsyncApp:
    """Return the Bolt app with every Haven listener; requests are verified before they reach it."""
    multi = multi_workspace(settings)
    app = AsyncApp(
        logger=bolt_logger,
        name="haven",
        client=plain_client(
            api_url=settings.slack_api_url, token=None if multi else settings.slack_bot_token
        ),
        signing_secret=settings.slack_signing_secret,
        # The HTTP edge (bot/slack/transport.py) verifies signatures without logging bodies;
        # Socket Mode is authenticated by the app token instead.
        request_verification_enabled=False,
        oauth_settings=oauth_settings(settings=settings, runtime=runtime) if multi else None,
        installation_store=runtime.installation_store,
        installation_store_bot_only=True if multi else None,
        # Payload types Haven does not use (deprecated workflow steps, new ones) reach the guard,
        # which acknowledges them: Slack needs a 200, not Bolt's 404.
        raise_error_for_unhandled_request=True,
    )
    app.error(answer_failure)
    app.use(EventDeduplication(engine=runtime.engine))
    register_all(app, runtime)
    return app
