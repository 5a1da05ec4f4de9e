"""Mount the dashboard under /app/ in Haven's one aiohttp server."""

from pathlib import Path
from typing import TYPE_CHECKING

from aiohttp import web

from bot.scheduler_duty import resync_soon
from bot.web import routes
from bot.web.links import SIGN_IN_PATH

if TYPE_CHECKING:
    from bot.server import ServerState

STATIC = Path(__file__).parent / "static"
MINIMUM_KEY = 32


def mount_dashboard(*, app: web.Application, state: "ServerState") -> None:
    """Add the dashboard's pages, forms and static files."""
    settings = state.settings
    app[routes.DASHBOARD] = routes.Dashboard(
        engine=state.engine,
        notifiers=state.notifiers,
        key=settings.dashboard_key,
        relay_key=settings.relay_key_bytes,
        rituals_changed=lambda: resync_soon(state),
    )
    add = app.router
    add.add_get(SIGN_IN_PATH, routes.sign_in)
    add.add_post("/app/sign-out", routes.sign_out)
    add.add_get("/app/", routes.home)
    add.add_get("/app/organisation", routes.organisation)
    add.add_get("/app/teams/{team_id}", routes.team)
    add.add_post("/app/teams/{team_id}/feedback/{item_key}/reply", routes.reply)
    add.add_get("/app/teams/{team_id}/rituals", routes.rituals)
    add.add_post("/app/teams/{team_id}/rituals/{ritual_id}/{action}", routes.ritual_action)
    add.add_static("/app/static/", STATIC, append_version=True)
    state.notes.append("Dashboard: /app/ (sign in with a link from the chat)")
