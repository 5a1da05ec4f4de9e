"""The digest card's "what I'll do this week": a leader's commitment, shown beside next week's signals."""

from typing import Any

from bot.teams.activities import DEFAULT_TENANT, Actor
from bot.teams.ritual_actions import whole_number
from bot.teams.runtime import Reply, TeamsRuntime
from rituals.errors import InvalidAnswer
from rituals.next_step import record_commitment
from storage.db import session_scope
from storage.models import Team, Workspace


def save_commitment(runtime: TeamsRuntime, actor: Actor, data: dict[str, Any]) -> Reply:
    """Record what the leader will do this week; answering again replaces it."""
    team_id = whole_number(data, "team_id", what="team")
    with session_scope(runtime.engine) as session:
        team = session.get(Team, team_id)
        workspace = session.get(Workspace, team.workspace_id) if team else None
        if workspace is None or workspace.platform != "teams":
            raise InvalidAnswer("This digest card does not belong to a Teams team.")
        if workspace.external_id not in (actor.tenant_id, DEFAULT_TENANT):
            raise InvalidAnswer("This card belongs to another organisation.")
        record_commitment(
            session=session,
            team_id=team_id,
            iso_week=str(data.get("iso_week") or ""),
            leader_user_id=actor.user_id,
            text=data.get("commitment"),
        )
    return Reply("Saved. Next week's digest shows it beside how the team's signals moved.")
