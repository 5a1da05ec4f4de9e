"""Route a Haven card action or command to its handler, checking admin rights in one place."""

import asyncio
import inspect
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from bot.database_work import in_session
from bot.teams import (
    admin_actions,
    dashboard_actions,
    digest_actions,
    privacy_actions,
    ritual_actions,
)
from bot.teams.activities import Actor
from bot.teams.card_data import checked
from bot.teams.rights import NOT_ADMIN, may_administer
from bot.teams.runtime import Reply, TeamsRuntime
from rituals.errors import HavenError

log = logging.getLogger(__name__)
# A plain function is database work: it runs in a worker thread, never on the event loop.
Handler = Callable[[TeamsRuntime, Actor, dict[str, Any]], Awaitable[Reply] | Reply]
UNKNOWN = "Haven does not know this action; the card may come from an older version. Type help."


@dataclass(frozen=True)
class Route:
    """A handler, and whether only admins may use it."""

    handler: Handler
    admin: bool = False


ACTIONS: dict[str, Route] = {
    "checkin": Route(ritual_actions.answer_checkin),
    "pulse": Route(ritual_actions.answer_pulse),
    "feedback": Route(ritual_actions.answer_feedback),
    "anonymous_story": Route(ritual_actions.share_story),
    "relay_reply": Route(ritual_actions.relay_reply),
    "digest_commit": Route(digest_actions.save_commitment),
    "dashboard": Route(dashboard_actions.open_dashboard),
    "help": Route(admin_actions.show_help),
    "status": Route(admin_actions.show_status),
    "rituals": Route(admin_actions.show_rituals),
    "setup_form": Route(admin_actions.show_setup, admin=True),
    "setup": Route(admin_actions.save_setup, admin=True),
    "ritual_add": Route(admin_actions.add, admin=True),
    "ritual_edit_form": Route(admin_actions.show_edit, admin=True),
    "ritual_edit": Route(admin_actions.edit, admin=True),
    "ritual_pause": Route(admin_actions.pause, admin=True),
    "ritual_resume": Route(admin_actions.resume, admin=True),
    "ritual_run": Route(admin_actions.run_now, admin=True),
    "leaders_form": Route(admin_actions.show_leaders, admin=True),
    "leaders": Route(admin_actions.save_leaders, admin=True),
    "privacy": Route(privacy_actions.show_privacy),
    "privacy_export": Route(privacy_actions.export),
    "privacy_erase_confirm": Route(privacy_actions.confirm_erase),
    "privacy_erase": Route(privacy_actions.erase),
    "retention": Route(privacy_actions.retention),
    "retention_set": Route(privacy_actions.change_retention, admin=True),
}


async def run_action(*, runtime: TeamsRuntime, actor: Actor, data: dict[str, Any]) -> Reply:
    """Run the action named by data["haven"]; Haven's errors become the reply, never a crash."""
    name = data.get("haven")
    route = ACTIONS.get(name) if isinstance(name, str) else None
    if route is None:
        log.info("unknown Teams card action %r", str(name)[:40])
        return Reply(UNKNOWN)
    log.info("Teams action %s", name)  # never who: some actions are anonymous
    try:
        data = checked(data)
        if route.admin and not await in_session(
            runtime.engine, lambda session: may_administer(session=session, actor=actor)
        ):
            return Reply(NOT_ADMIN)
        if inspect.iscoroutinefunction(route.handler):
            return await route.handler(runtime, actor, data)
        return await asyncio.to_thread(route.handler, runtime, actor, data)  # type: ignore[arg-type]
    except HavenError as error:
        return Reply(str(error))
