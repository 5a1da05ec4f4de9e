"""Failure stories told in the thread, and reactions to them: what is stored before the ack."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Engine

from bot.slack.threads import failure_occurrence_of_thread, story_of_message
from rituals import failure
from rituals.context import RitualScope
from rituals.errors import HavenError
from rituals.texts import BROKEN_CHARACTER
from storage.db import session_scope
from storage.models import Member
from storage.teams import name_unnamed_members

STORY_SUBTYPES = (
    None,
    "thread_broadcast",
    "file_share",
)  # edits, joins and bot posts are not stories
UNSTORABLE = (
    "Your reply was not counted as a story: Haven could not store its text (it may contain "
    f"{BROKEN_CHARACTER} or a NUL character). Please post it again."
)


@dataclass(frozen=True)
class StoredStory:
    """A reply stored as a story, and whether its author's name is known yet."""

    member_id: int
    named: bool


def is_story_reply(event: dict[str, Any]) -> bool:
    """Return whether a message event is a person's reply in some thread."""
    thread_ts = event.get("thread_ts")
    return (
        event.get("subtype") in STORY_SUBTYPES
        and not event.get("bot_id")
        and bool(event.get("user"))
        and bool(thread_ts)
        and thread_ts != event.get("ts")
    )


def store_reply(engine: Engine, event: dict[str, Any], team_id: str) -> StoredStory | None:
    """Store a reply in an open failure thread as a story, committed on return (blocking)."""
    if not is_story_reply(event):
        return None
    with session_scope(engine) as session:
        found = failure_occurrence_of_thread(
            session=session,
            team_id=team_id,
            channel=event.get("channel", ""),
            thread_ts=event["thread_ts"],
        )
        if found is None or found.status != "open":
            return None
        scope, occurrence = RitualScope.of_occurrence(session=session, occurrence_id=found.id)
        try:
            story = failure.record_story(
                scope=scope,
                occurrence=occurrence,
                user_id=event["user"],
                message_ref=event["ts"],
                text=event.get("text"),
            )
        except HavenError:
            return None  # closed meanwhile, or not on the member list: the reply stays a reply
        if story is None or story.member_id is None:
            return None  # an empty reply, or a replay of one stored already
        member = session.get(Member, story.member_id)
        return StoredStory(member_id=story.member_id, named=bool(member and member.display_name))


def keep_name(engine: Engine, member_id: int, name: str) -> None:
    """Give a member stored without a name the name Slack told (blocking)."""
    if name:
        with session_scope(engine) as session:
            name_unnamed_members(session=session, names={member_id: name})


def count_reaction(engine: Engine, event: dict[str, Any], team_id: str, delta: int) -> None:
    """Add delta to the reactions of the story a reaction event is about, if any (blocking)."""
    item = event.get("item") or {}
    if item.get("type") != "message":
        return
    with session_scope(engine) as session:
        story = story_of_message(
            session=session,
            team_id=team_id,
            channel=item.get("channel", ""),
            ts=item.get("ts", ""),
        )
        if story is None:
            return
        scope, occurrence = RitualScope.of_occurrence(
            session=session, occurrence_id=story.occurrence_id
        )
        failure.add_reactions(
            scope=scope, occurrence=occurrence, message_ref=story.message_ref, delta=delta
        )
