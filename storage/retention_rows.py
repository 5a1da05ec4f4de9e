"""Deleting a team's raw rows older than a cutoff: named answers, stories, anonymous texts."""

from datetime import datetime

from sqlmodel import Session, delete, select

from storage.models import AnonymousAnswer, Answer, Occurrence, Ritual, Story
from storage.models_digest import LeaderCommitment


def delete_rows_before(*, session: Session, team_id: int, cutoff: datetime) -> dict[str, int]:
    """Delete the team's rows given before the cutoff; return how many of each kind."""
    occurrences = (
        select(Occurrence.id)
        .join(Ritual, Ritual.id == Occurrence.ritual_id)
        .where(Ritual.team_id == team_id)
    )
    statements = {
        "named answers": delete(Answer).where(
            Answer.occurrence_id.in_(occurrences), Answer.answered_at < cutoff
        ),
        "stories": delete(Story).where(
            Story.occurrence_id.in_(occurrences), Story.shared_at < cutoff
        ),
        # Only the day is stored: an answer goes once its whole day is past the cutoff.
        "anonymous answers": delete(AnonymousAnswer).where(
            AnonymousAnswer.occurrence_id.in_(occurrences),
            AnonymousAnswer.answered_on < cutoff.date(),
        ),
        "leader commitments": delete(LeaderCommitment).where(
            LeaderCommitment.team_id == team_id, LeaderCommitment.created_at < cutoff
        ),
    }
    return {
        kind: session.exec(statement).rowcount or 0  # type: ignore[call-overload]
        for kind, statement in statements.items()
    }
