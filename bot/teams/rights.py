"""Who may change Haven's setup from Teams: Haven admins, and the owners of the team in the roster."""

from sqlmodel import Session

from bot.teams.activities import DEFAULT_TENANT, Actor
from bot.teams.conversations import find_conversation, is_owner, roster_id_of
from rituals.admin import is_haven_admin

NOT_ADMIN = (
    "Only Haven admins and the owners of this team can change Haven's setup. "
    "Ask one of them, or ask to be made a Haven admin."
)


def may_administer(*, session: Session, actor: Actor) -> bool:
    """Return whether the person is a Haven admin (by Teams or Entra id) or an owner of this team."""
    workspaces = {actor.tenant_id, DEFAULT_TENANT}
    ids = {actor.user_id, actor.aad_object_id} - {""}
    if any(
        is_haven_admin(session=session, platform="teams", workspace=workspace, user_id=user_id)
        for workspace in workspaces
        for user_id in ids
    ):
        return True
    row = find_conversation(session=session, conversation_id=actor.conversation_id)
    roster_id = actor.teams_team_id or (roster_id_of(row) if row else "")
    return bool(roster_id) and is_owner(session=session, roster_id=roster_id, user_id=actor.user_id)
