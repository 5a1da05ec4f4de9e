"""Mount Slack in Haven's one aiohttp server: routes, the notifier, Socket Mode when asked."""

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp

from bot.scheduler_duty import resync_soon
from bot.slack.bolt_app import build_bolt_app
from bot.slack.runtime import SlackRuntime, build_runtime, multi_workspace
from bot.slack.token_workspace import bind_config_teams
from bot.slack.transport import EventsEndpoint, OAuthEndpoints
from bot.slack.web import web_session

if TYPE_CHECKING:
    from bot.server import ServerState

log = logging.getLogger(__name__)


@dataclass
class SlackMount:
    """What the server holds for Slack: the Bolt app, its runtime and the Socket Mode handler."""

    bolt: AsyncApp
    runtime: SlackRuntime
    socket_mode: AsyncSocketModeHandler | None = None


SLACK = web.AppKey("slack", SlackMount)


async def _open_web_session(app: web.Application) -> None:
    """Keep Web API connections alive between calls: one HTTP session for every Slack client."""
    mount = app[SLACK]
    session = web_session()
    mount.bolt.client.session = session
    mount.runtime.clients.use_session(session)


async def _close_web_session(app: web.Application) -> None:
    mount = app[SLACK]
    session = mount.bolt.client.session
    mount.bolt.client.session = None
    mount.runtime.clients.use_session(None)
    if session is not None:
        await session.close()


async def _bind_config_teams(app: web.Application) -> None:
    """Bind teams applied from a config without `workspace:` to the bot token's workspace."""
    mount = app[SLACK]
    await bind_config_teams(client=mount.bolt.client, engine=mount.runtime.engine)


async def _start_socket_mode(app: web.Application) -> None:
    mount = app[SLACK]
    token = mount.runtime.app_token
    mount.socket_mode = AsyncSocketModeHandler(mount.bolt, token)
    await mount.socket_mode.connect_async()
    log.info("Slack Socket Mode connected")


async def _stop_socket_mode(app: web.Application) -> None:
    mount = app[SLACK]
    if mount.socket_mode is not None:
        await mount.socket_mode.close_async()


def mount_slack(*, app: web.Application, state: "ServerState") -> None:
    """Add the Slack endpoints (or Socket Mode) and register the Slack notifier."""
    settings = state.settings
    runtime = build_runtime(settings=settings, engine=state.engine, notifiers=state.notifiers)
    runtime.rituals_changed = lambda: resync_soon(state)
    runtime.app_token = settings.slack_app_token
    state.notifiers.by_platform["slack"] = runtime.notifier
    bolt = build_bolt_app(settings=settings, runtime=runtime)
    app[SLACK] = SlackMount(bolt=bolt, runtime=runtime)
    app.on_startup.append(_open_web_session)
    app.on_cleanup.append(_close_web_session)
    if not multi_workspace(settings):
        app.on_startup.append(_bind_config_teams)
    if settings.slack_app_token:
        app.on_startup.append(_start_socket_mode)
        app.on_cleanup.append(_stop_socket_mode)
        state.notes.append("Slack: Socket Mode")
    else:
        endpoint = EventsEndpoint(app=bolt, signing_secret=settings.slack_signing_secret)
        app.router.add_post("/slack/events", endpoint.handle)
        state.notes.append("Slack: HTTP at POST /slack/events")
    if bolt.oauth_flow is not None:
        oauth = OAuthEndpoints(app=bolt)
        app.router.add_get("/slack/install", oauth.install)
        app.router.add_get("/slack/oauth_redirect", oauth.redirect)
        state.notes.append("Slack: multi-workspace install at GET /slack/install")
