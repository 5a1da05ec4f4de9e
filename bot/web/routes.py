"""The dashboard's routes: sign-in and out, Team, Rituals and Organisation pages, and their forms."""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from aiohttp import web
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.web import access as rules
from bot.web.forms import CrossSiteRefused, check_form
from bot.web.links import redeem_link
from bot.web.organisation_view import SORTS, organisation_page
from bot.web.pages import message, page
from bot.web.rituals_view import change_from_form, rituals_page, run_now
from bot.web.sessions import clear_cookie, set_cookie, start_session, stop_session, viewer_of
from bot.web.team_view import SPANS, team_page
from rituals import admin
from rituals.clock import utcnow
from rituals.errors import HavenError, NotFound
from rituals.ports import NotifierRegistry
from rituals.relay import reply_to_item
from storage.dashboard import team_of_released_item
from storage.db import session_scope
from storage.models import Ritual

log = logging.getLogger(__name__)
SIGN_IN_FIRST = (
    "Sign in from the chat: ask Haven with /haven dashboard in Slack, or say dashboard to Haven "
    "in Teams, and follow the link it gives you."
)
NO_FIGURES = (
    "You are not a leader of any team or an admin of this workspace, so Haven shows you no "
    "figures. Your own answers are always yours: see Haven's Home tab in the chat."
)


@dataclass
class Dashboard:
    """What the dashboard's handlers need from the server."""

    engine: Engine
    notifiers: NotifierRegistry
    key: str
    relay_key: bytes | None
    rituals_changed: Callable[[], None]


DASHBOARD = web.AppKey("dashboard", Dashboard)
Handler = Callable[..., Awaitable[web.StreamResponse]]


def signed_in(handler: Handler) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """Load the viewer and what they may see; answer 401 without a session, 4xx on bad input."""

    @wraps(handler)
    async def run(request: web.Request) -> web.StreamResponse:
        dashboard = request.app[DASHBOARD]

        def load(session: Session) -> rules.Access | None:
            viewer = viewer_of(session=session, request=request, now=utcnow())
            return rules.access_of(session=session, viewer=viewer) if viewer else None

        found = await in_thread(load, dashboard.engine)
        if found is None:
            return message("Please sign in", SIGN_IN_FIRST, status=401)
        viewer = found.viewer
        try:
            return await handler(request, dashboard, found)
        except CrossSiteRefused as error:
            return message("Refused", str(error), status=403, viewer=viewer)
        except NotFound as error:
            return message("Not found", str(error), status=404, viewer=viewer)
        except (HavenError, ValueError) as error:
            return message("That did not work", str(error), status=400, viewer=viewer)

    return run


async def in_thread(work: Callable[[Session], Any], engine: Engine) -> Any:
    """Run database work off the event loop."""

    def call() -> Any:
        with session_scope(engine) as session:
            return work(session)

    return await asyncio.to_thread(call)


def _team_id(request: web.Request) -> int:
    text = request.match_info["team_id"]
    if not text.isdigit():
        raise NotFound(rules.NOT_VISIBLE)
    return int(text)


async def _form(request: web.Request, viewer: rules.Viewer) -> dict[str, str]:
    posted = await request.post()
    form = {k: v for k, v in posted.items() if isinstance(v, str)}
    check_form(request=request, form=form, viewer=viewer)
    return form


async def sign_in(request: web.Request) -> web.StreamResponse:
    """Spend a one-time link, open a session and go to the dashboard."""
    dashboard = request.app[DASHBOARD]
    token = request.query.get("token", "")
    try:
        with Session(dashboard.engine) as session:
            claim = redeem_link(session=session, key=dashboard.key, token=token, now=utcnow())
            cookie = start_session(session=session, claim=claim, now=utcnow())
    except HavenError as error:
        return message("Sign-in refused", str(error), status=403)
    response = web.Response(status=303, headers={"Location": "/app/"})
    set_cookie(response, request=request, token=cookie)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@signed_in
async def sign_out(
    request: web.Request, dashboard: Dashboard, found: rules.Access
) -> web.StreamResponse:
    """End the session and forget the cookie."""
    await _form(request, found.viewer)
    with Session(dashboard.engine) as session:
        stop_session(session=session, request=request, now=utcnow())
    response = message("Signed out", "You are signed out of Haven's dashboard.", status=200)
    clear_cookie(response, request=request)
    return response


@signed_in
async def home(
    request: web.Request, dashboard: Dashboard, found: rules.Access
) -> web.StreamResponse:
    """List the teams the viewer may see, or say that they see no figures."""
    if not found.sees_any_team:
        return message("No figures for you", NO_FIGURES, status=403, viewer=found.viewer)
    teams = await in_thread(
        lambda s: rules.visible_teams(session=s, access=found), dashboard.engine
    )
    return page("home.html", viewer=found.viewer, access=found, teams=teams)


@signed_in
async def team(
    request: web.Request, dashboard: Dashboard, found: rules.Access
) -> web.StreamResponse:
    """Show one team's story: headline, trends, items, alerts, stories and released feedback."""
    team_id = _team_id(request)
    weeks_text = request.query.get("weeks", "8")
    if weeks_text not in {str(n) for n in SPANS}:
        raise ValueError("Choose 8, 26 or 52 weeks.")

    def build(session: Session) -> Any:
        shown = rules.visible_team(session=session, access=found, team_id=team_id)
        leads = shown.id in found.led_team_ids
        return team_page(session=session, team=shown, weeks=int(weeks_text), with_feedback=leads)

    view = await in_thread(build, dashboard.engine)
    notice = request.query.get("notice", "")[:300]
    return page(
        "team.html",
        viewer=found.viewer,
        access=found,
        view=view,
        spans=SPANS,
        notice=notice,
        leads=view.team.id in found.led_team_ids,
    )


@signed_in
async def reply(
    request: web.Request, dashboard: Dashboard, found: rules.Access
) -> web.StreamResponse:
    """Relay a leader's reply to the author of a released anonymous answer, without unmasking."""
    form = await _form(request, found.viewer)
    team_id = _team_id(request)
    with session_scope(dashboard.engine) as session:
        rules.visible_team(session=session, access=found, team_id=team_id)
        item_key = request.match_info["item_key"]
        if team_of_released_item(session=session, item_key=item_key) != team_id:
            raise NotFound("That team has no released anonymous answer with this reference.")
        await reply_to_item(
            session=session,
            notifiers=dashboard.notifiers,
            key=dashboard.relay_key,
            item_key=item_key,
            leader_user_id=found.viewer.user_id,
            text=form.get("reply"),
        )
    notice = "Haven passed your reply on. You will not learn who wrote the answer."
    raise web.HTTPSeeOther(f"/app/teams/{team_id}?{urlencode({'notice': notice})}#feedback")


@signed_in
async def rituals(
    request: web.Request, dashboard: Dashboard, found: rules.Access
) -> web.StreamResponse:
    """Show an admin the team's rituals, people and threshold."""
    team_id = _team_id(request)

    def build(session: Session) -> Any:
        shown = rules.visible_team(session=session, access=found, team_id=team_id, admin_only=True)
        return rituals_page(session=session, team=shown)

    view = await in_thread(build, dashboard.engine)
    notice = request.query.get("notice", "")[:300]
    return page("rituals.html", viewer=found.viewer, access=found, view=view, notice=notice)


@signed_in
async def ritual_action(
    request: web.Request, dashboard: Dashboard, found: rules.Access
) -> web.StreamResponse:
    """Pause, resume, run now or edit a ritual, with the chat's and the YAML's rules."""
    form = await _form(request, found.viewer)
    team_id, action = _team_id(request), request.match_info["action"]
    ritual_text = request.match_info["ritual_id"]
    if not ritual_text.isdigit():
        raise NotFound("That team has no such ritual.")
    ritual_id = int(ritual_text)

    def change(session: Session) -> tuple[Ritual | None, str]:
        """Check the request and make a change; return the ritual to run now, or what was done."""
        shown = rules.visible_team(session=session, access=found, team_id=team_id, admin_only=True)
        if action in ("pause", "resume"):
            ritual = admin.set_paused(
                session=session, team=shown, ritual_id=ritual_id, paused=action == "pause"
            )
            return None, f"{ritual.name} is {'paused' if ritual.paused else 'running again'}."
        if action == "run":
            return admin.ritual_of_team(session=session, team=shown, ritual_id=ritual_id), ""
        if action == "edit":
            ritual = admin.ritual_of_team(session=session, team=shown, ritual_id=ritual_id)
            edit = change_from_form(ritual=ritual, form=form)
            admin.edit_ritual(session=session, team=shown, ritual_id=ritual_id, change=edit)
            return None, f"{ritual.name} saved."
        raise NotFound("Rituals can be paused, resumed, run or edited.")

    to_run, notice = await in_thread(change, dashboard.engine)
    if to_run is not None:
        with session_scope(dashboard.engine) as session:
            notice = await run_now(session=session, notifiers=dashboard.notifiers, ritual=to_run)
    dashboard.rituals_changed()
    raise web.HTTPSeeOther(f"/app/teams/{team_id}/rituals?{urlencode({'notice': notice})}")


@signed_in
async def organisation(
    request: web.Request, dashboard: Dashboard, found: rules.Access
) -> web.StreamResponse:
    """Show an admin every team's latest figures and the organisation's safety index."""
    if not found.admin:
        raise NotFound("Only admins see the organisation page.")
    sort = request.query.get("sort", "team")
    if sort not in SORTS:
        raise ValueError(f"Sort by one of {', '.join(SORTS)}.")

    def build(session: Session) -> Any:
        teams = rules.visible_teams(session=session, access=found)
        return organisation_page(session=session, teams=teams, sort=sort)

    view = await in_thread(build, dashboard.engine)
    return page("organisation.html", viewer=found.viewer, access=found, view=view, sorts=SORTS)
