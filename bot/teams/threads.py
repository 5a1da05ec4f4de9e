"""Replies in a failure-celebration thread are stories; reactions to them are counted."""

from botbuilder.schema import Activity
from sqlmodel import Session, select

from bot.teams.activities import base_conversation, command_text, thread_root
from bot.teams.runtime import TeamsRuntime
from rituals import failure
from rituals.context import RitualScope
from storage.db import session_scope
from storage.models import Occurrence, Ritual, Story, Team, Workspace


def open_failure_thread(*, session: Session, conversation_id: str) -> Occurrence | None:
    """Return the open failure-celebration round whose thread this conversation id points into."""
    root = thread_root(conversation_id)
    if root is None:
        return None
    return session.exec(
        select(Occurrence)
        .join(Ritual, Ritual.id == Occurrence.ritual_id)
        .join(Team, Team.id == Ritual.team_id)
        .join(Workspace, Workspace.id == Team.workspace_id)
        .where(
            Occurrence.message_ref == root,
            Occurrence.status == "open",
            Ritual.kind == "failure_celebration",
            Workspace.platform == "teams",
            Team.channel == base_conversation(conversation_id),
        )
    ).first()


def record_thread_reply(*, runtime: TeamsRuntime, activity: Activity) -> bool:
    """Count a reply in an open failure thread as a story; return whether it was one."""
    with session_scope(runtime.engine) as session:
        occurrence = open_failure_thread(session=session, conversation_id=activity.conversation.id)
        if occurrence is None:
            return False
        scope = RitualScope.of_ritual(session=session, ritual_id=occurrence.ritual_id)
        failure.record_story(
            scope=scope,
            occurrence=occurrence,
            user_id=activity.from_property.id,
            message_ref=activity.id or "",
            text=command_text(activity),
            display_name=activity.from_property.name or "",
        )
    return True


def count_reactions(*, runtime: TeamsRuntime, activity: Activity, delta: int) -> None:
    """Add (or remove) reactions on a story in an open failure thread."""
    if not activity.reply_to_id or not delta:
        return
    with session_scope(runtime.engine) as session:
        story = session.exec(select(Story).where(Story.message_ref == activity.reply_to_id)).first()
        occurrence = session.get(Occurrence, story.occurrence_id) if story else None
        if occurrence is None or occurrence.status != "open":
            return
        scope = RitualScope.of_ritual(session=session, ritual_id=occurrence.ritual_id)
        failure.add_reactions(
            scope=scope, occurrence=occurrence, message_ref=activity.reply_to_id, delta=delta
        )
