"""What happens when Teams says the bot was removed: the team's rituals pause until it is back,
and once it is in no team or chat of the tenant any more, the tenant is erased after a grace period.
"""

from datetime import datetime

from sqlmodel import Session, select

from bot.teams.activities import base_conversation
from bot.teams.conversations import mark_removed
from rituals.privacy.workspace_erasure import schedule_erasure
from storage.models import Ritual, Team, Workspace
from storage.models_teams import TeamsConversation


def teams_of_channel(*, session: Session, conversation_id: str) -> list[Team]:
    """Return the Haven teams bound to a Teams conversation."""
    return list(
        session.exec(
            select(Team)
            .join(Workspace, Workspace.id == Team.workspace_id)
            .where(
                Workspace.platform == "teams", Team.channel == base_conversation(conversation_id)
            )
        )
    )


def pause_after_removal(*, session: Session, conversation_id: str) -> list[str]:
    """Mark the conversation as left and pause every ritual of its teams; return the team names."""
    mark_removed(session=session, conversation_id=conversation_id)
    teams = teams_of_channel(session=session, conversation_id=conversation_id)
    for team in teams:
        for ritual in session.exec(select(Ritual).where(Ritual.team_id == team.id)):
            ritual.paused = True
            session.add(ritual)
    session.commit()
    return [team.name for team in teams]


def erase_tenant_if_gone(
    *, session: Session, tenant_id: str, now: datetime, grace_days: int
) -> datetime | None:
    """Schedule the tenant's erasure when no team or chat has the bot; return when, or None."""
    if not tenant_id:
        return None
    present = session.exec(
        select(TeamsConversation).where(
            TeamsConversation.tenant_id == tenant_id,
            TeamsConversation.kind != "personal",
            TeamsConversation.bot_removed == False,  # noqa: E712
        )
    ).first()
    if present is not None:
        return None
    return schedule_erasure(
        session=session, platform="teams", external_id=tenant_id, now=now, grace_days=grace_days
    )
