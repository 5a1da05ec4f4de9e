"""Failure celebration: replies in the thread, reactions to them, and stories shared anonymously."""

import asyncio

from slack_bolt.async_app import AsyncApp

from bot.slack import ids, views
from bot.slack.listeners.common import channel_of, field_error, slack_scope, tell
from bot.slack.listeners.story_replies import (
    UNSTORABLE,
    StoredStory,
    count_reaction,
    keep_name,
    store_reply,
)
from bot.slack.runtime import SlackRuntime
from bot.slack.stored_first import REFUSED, STORED, stored_before_ack
from rituals import failure
from rituals.errors import HavenError
from storage.db import session_scope


def register(app: AsyncApp, runtime: SlackRuntime) -> None:
    """Register the failure-celebration listeners."""
    engine = runtime.engine

    @app.event(
        "message",
        middleware=[
            stored_before_ack(lambda event, team: store_reply(engine, event, team), engine=engine)
        ],
    )
    async def message_posted(event, context, client) -> None:  # type: ignore[no-untyped-def]
        # The story is stored already; what needs Slack (the author's name) follows the ack.
        if context.get(REFUSED):
            await tell(client=client, channel=event["channel"], user=event["user"], text=UNSTORABLE)
        stored = context.get(STORED)
        if isinstance(stored, StoredStory) and not stored.named:
            name = await runtime.people.display_name(team_id=context.team_id, user_id=event["user"])
            await asyncio.to_thread(keep_name, engine, stored.member_id, name)

    async def nothing_more() -> None:
        """Do nothing after the ack: the reaction was counted before it."""

    for name, delta in (("reaction_added", +1), ("reaction_removed", -1)):
        count = stored_before_ack(
            lambda event, team, delta=delta: count_reaction(engine, event, team, delta),
            engine=engine,
        )
        app.event(name, middleware=[count])(nothing_more)

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
