"""What happens when Teams says the bot was removed: the team's rituals pause until it is back."""

from sqlmodel import Session, select

from bot.teams.activities import base_conversation
from bot.teams.conversations import mark_removed
from storage.models import Ritual, Team, Workspace


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
