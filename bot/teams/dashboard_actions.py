"""`dashboard` and the digest card's "Open dashboard": a one-time sign-in link for the asker."""

from typing import Any

from bot.teams.activities import DEFAULT_TENANT, Actor
from bot.teams.runtime import Reply, TeamsRuntime
from bot.web.links import LINK_LIFETIME, link_for_person
from rituals.errors import NotFound
from storage.db import session_scope

VERSION = "1.5"


def open_dashboard(runtime: TeamsRuntime, actor: Actor, data: dict[str, Any]) -> Reply:
    """Answer with a card whose button opens the dashboard; the link works once, for 10 minutes."""
    link = None
    with session_scope(runtime.engine) as session:
        for workspace in dict.fromkeys((actor.tenant_id, DEFAULT_TENANT)):
            try:
                # A Teams team owner owns one team, not the tenant: no admin claim from Teams.
                link = link_for_person(
                    session=session,
                    key=runtime.dashboard_key,
                    base_url=runtime.dashboard_url,
                    platform="teams",
                    workspace=workspace,
                    user_id=actor.user_id,
                    platform_admin=False,
                )
                break
            except NotFound:
                continue
    if link is None:
        raise NotFound("Haven has no team in this organisation yet: an admin can run setup first.")
    minutes = int(LINK_LIFETIME.total_seconds() // 60)
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": VERSION,
        "body": [
            {
                "type": "TextBlock",
                "wrap": True,
                "text": f"Your dashboard link is yours alone and works once, for {minutes} minutes.",
            }
        ],
        "actions": [{"type": "Action.OpenUrl", "title": "Open dashboard", "url": link}],
    }
    return Reply("Open your Haven dashboard.", card=card)
