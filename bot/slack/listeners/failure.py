"""Failure celebration: replies in the thread, reactions to them, and stories shared anonymously."""

from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.slack import ids, views
from bot.slack.listeners.common import channel_of, field_error, slack_scope, tell
from bot.slack.runtime import SlackRuntime
from bot.slack.threads import failure_occurrence_of_thread, story_of_message
from rituals import failure
from rituals.context import RitualScope
from rituals.errors import HavenError
from storage.db import session_scope

STORY_SUBTYPES = (
    None,
    "thread_broadcast",
    "file_share",
)  # edits, joins and bot posts are not stories


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


def register(app: AsyncApp, runtime: SlackRuntime) -> None:
    """Register the failure-celebration listeners."""

    @app.event("message")
    async def message_posted(event, context) -> None:  # type: ignore[no-untyped-def]
        if not is_story_reply(event):
            return
        with session_scope(runtime.engine) as session:
            occurrence = failure_occurrence_of_thread(
                session=session,
                team_id=context.team_id,
                channel=event.get("channel", ""),
                thread_ts=event["thread_ts"],
            )
            if occurrence is None or occurrence.status != "open":
                return
        name = await runtime.people.display_name(team_id=context.team_id, user_id=event["user"])
        with session_scope(runtime.engine) as session:
            scope, occurrence = RitualScope.of_occurrence(
                session=session, occurrence_id=occurrence.id
            )
            try:
                failure.record_story(
                    scope=scope,
                    occurrence=occurrence,
                    user_id=event["user"],
                    message_ref=event["ts"],
                    text=event.get("text"),
                    display_name=name,
                )
            except HavenError:
                return  # closed meanwhile, or not on the member list: the reply stays a reply

    async def reaction_changed(event: dict[str, Any], team_id: str, delta: int) -> None:
        item = event.get("item") or {}
        if item.get("type") != "message":
            return
        with session_scope(runtime.engine) as session:
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

    @app.event("reaction_added")
    async def reaction_added(event, context) -> None:  # type: ignore[no-untyped-def]
        await reaction_changed(event, context.team_id, +1)

    @app.event("reaction_removed")
    async def reaction_removed(event, context) -> None:  # type: ignore[no-untyped-def]
        await reaction_changed(event, context.team_id, -1)

    @app.action(ids.FAILURE_SHARE)
    async def share_clicked(ack, body, client, context) -> None:  # type: ignore[no-untyped-def]
        await ack()
        try:
            (occurrence_id,) = ids.numbers_in(body["actions"][0].get("value"), 1)
        except HavenError as error:
            await tell(
                client=client, channel=channel_of(body), user=context.user_id, text=str(error)
            )
            return
        await client.views_open(
            trigger_id=body["trigger_id"], view=views.failure_story(occurrence_id=occurrence_id)
        )

    @app.view(ids.FAILURE_STORY_VIEW)
    async def story_submitted(ack, view, context) -> None:  # type: ignore[no-untyped-def]
        # Anonymous path: nothing here may log or store who submitted the story.
        try:
            (occurrence_id,) = ids.numbers_in(view.get("private_metadata"), 1)
            with session_scope(runtime.engine) as session:
                scope, occurrence = slack_scope(
                    session=session, occurrence_id=occurrence_id, team_id=context.team_id
                )
                await failure.share_anonymously(
                    scope=scope,
                    occurrence=occurrence,
                    notifiers=runtime.notifiers,
                    text=views.submitted(view, "story"),
                )
        except HavenError as error:
            await ack(field_error("story", str(error)))
            return
        await ack(
            response_action="update",
            view=views.notice(
                "Shared", "Haven posted your story in the thread. Nothing links it to you."
            ),
        )
