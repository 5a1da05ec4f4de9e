"""Mount Teams in Haven's aiohttp server: POST /api/messages and the proactive notifier."""

import logging
from typing import TYPE_CHECKING

from aiohttp import web
from sqlalchemy.engine import Engine

from bot.settings import Settings
from bot.teams.adapter import build_adapter, teams_auth
from bot.teams.endpoint import messages_handler
from bot.teams.handler import HavenTeamsBot
from bot.teams.notifier import TeamsNotifier
from bot.teams.privacy_tab import TAB_PATH, privacy_tab_handler
from bot.teams.runtime import TeamsRuntime
from storage.db import get_engine, normalize_url

if TYPE_CHECKING:
    from bot.server import ServerState

log = logging.getLogger(__name__)
TEAMS = web.AppKey("teams", TeamsRuntime)


def build_teams_notifier(*, settings: Settings, engine: Engine | None = None) -> TeamsNotifier:
    """Return a Teams notifier for these settings, refusing unsafe ones with a HavenError."""
    auth = teams_auth(settings)
    return TeamsNotifier(
        adapter=build_adapter(settings=settings, auth=auth),
        engine=engine or get_engine(normalize_url(settings.database_url)),
        app_id=auth.app_id,
    )


def mount_teams(*, app: web.Application, state: "ServerState") -> None:
    """Add POST /api/messages and register the Teams notifier; raise HavenError on unsafe settings."""
    auth = teams_auth(state.settings)
    notifier = build_teams_notifier(settings=state.settings, engine=state.engine)
    state.notifiers.by_platform["teams"] = notifier
    runtime = TeamsRuntime(
        engine=state.engine,
        notifiers=state.notifiers,
        teams=notifier,
        relay_key=state.settings.relay_key_bytes,
        privacy=state.settings.privacy_policy,
        dashboard_key=state.settings.dashboard_key,
        dashboard_url=state.settings.dashboard_url,
    )
    app[TEAMS] = runtime
    bot = HavenTeamsBot(runtime=runtime)
    app.router.add_post(
        "/api/messages", messages_handler(adapter=notifier.adapter, bot=bot, auth=auth)
    )
    app.router.add_get(
        TAB_PATH,
        privacy_tab_handler(policy=state.settings.privacy_policy, bot_id=auth.app_id),
    )
    if auth.required:
        log.info("Teams on: POST /api/messages checks Bot Framework tokens for app %s", auth.app_id)
    else:
        log.warning("Teams on WITHOUT authentication (HAVEN_TEAMS_DEV=1, development only)")
