"""Find what a Slack message belongs to: the failure thread it replies in, the story it is."""

from sqlmodel import Session, select

from storage.models import Occurrence, Ritual, Story, Team, Workspace


def failure_occurrence_of_thread(
    *, session: Session, team_id: str, channel: str, thread_ts: str
) -> Occurrence | None:
    """Return the failure-celebration occurrence whose opener is thread_ts in channel, if any."""
    return session.exec(
        select(Occurrence)
        .join(Ritual, Ritual.id == Occurrence.ritual_id)
        .join(Team, Team.id == Ritual.team_id)
        .join(Workspace, Workspace.id == Team.workspace_id)
        .where(
            Workspace.platform == "slack",
            Workspace.external_id == team_id,
            Team.channel == channel,
            Ritual.kind == "failure_celebration",
            Occurrence.message_ref == thread_ts,
        )
    ).first()


def story_of_message(*, session: Session, team_id: str, channel: str, ts: str) -> Story | None:
    """Return the story a message in channel is, if any."""
    return session.exec(
        select(Story)
        .join(Occurrence, Occurrence.id == Story.occurrence_id)
        .join(Ritual, Ritual.id == Occurrence.ritual_id)
        .join(Team, Team.id == Ritual.team_id)
        .join(Workspace, Workspace.id == Team.workspace_id)
        .where(
            Workspace.platform == "slack",
            Workspace.external_id == team_id,
            Team.channel == channel,
            Story.message_ref == ts,
        )
    ).first()
