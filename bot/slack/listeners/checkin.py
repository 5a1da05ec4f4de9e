"""Check-in: a click on a mood, and the 'add a word' modal."""

import asyncio
import re

from slack_bolt.async_app import AsyncApp

from bot.slack import ids, views
from bot.slack.listeners.common import channel_of, field_error, slack_scope, tell
from bot.slack.runtime import SlackRuntime
from rituals.checkin import CheckinReceipt
from rituals.checkin_batch import UnstorableText
from rituals.checkin_click import CheckinClick
from rituals.context import require_open
from rituals.errors import HavenError
from rituals.messages import MOOD_LABELS
from storage.db import session_scope

MOOD_ACTION = re.compile(rf"^{ids.CHECKIN_MOOD}_[1-5]$")
LINE = "haven_checkin_line"  # the context key of what the member is told


def confirmation(receipt: CheckinReceipt) -> str:
    """Return what the member is told after checking in."""
    word = f" and “{receipt.text}”" if receipt.text else ""
    verb = "changed your check-in to" if receipt.changed else "checked in with"
    where = (
        "Only the team's aggregate is shown."
        if receipt.mode == "private"
        else "It is in the thread."
    )
    return f"✅ You {verb} {receipt.mood} · {MOOD_LABELS[receipt.mood]}{word}. {where}"


async def record_checkin(
    *,
    runtime: SlackRuntime,
    team_id: str,
    user_id: str,
    occurrence_id: int,
    mood: int,
    text: str | None = None,
) -> str:
    """Record a member's check-in (committed on return); return the line that tells them.

    Raises HavenError when the check-in is refused. Nothing here waits for Slack: a newcomer's
    name is looked up after the answer is stored.
    """
    click = CheckinClick(
        occurrence_id=occurrence_id,
        platform="slack",
        workspace=team_id,
        user_id=user_id,
        mood=mood,
        text=text,
    )
    return confirmation(await runtime.checkins.record(click))


def _channel_of_round(*, runtime: SlackRuntime, occurrence_id: int, team_id: str) -> str:
    """Return the channel of an open check-in round of this workspace."""
    with session_scope(runtime.engine) as session:
        scope, occurrence = slack_scope(
            session=session, occurrence_id=occurrence_id, team_id=team_id
        )
        require_open(occurrence)
        return scope.team.channel


def register(app: AsyncApp, runtime: SlackRuntime) -> None:
    """Register the check-in listeners."""

    async def store_click_first(body, context, next):  # type: ignore[no-untyped-def]
        # Acknowledged means stored: the click is committed (with its batch), then acknowledged,
        # here in the request itself. Bolt answers at once with an ack given before it starts the
        # listener; an ack from the listener it would notice only at its next 10 ms poll.
        try:
            occurrence_id, mood = ids.numbers_in(body["actions"][0].get("value"), 2)
            context[LINE] = await record_checkin(
                runtime=runtime,
                team_id=context.team_id,
                user_id=context.user_id,
                occurrence_id=occurrence_id,
                mood=mood,
            )
        except HavenError as error:
            context[LINE] = str(error)
        await context.ack()
        return await next()

    @app.action(MOOD_ACTION, middleware=[store_click_first])
    async def mood_clicked(body, client, context) -> None:  # type: ignore[no-untyped-def]
        await tell(
            client=client, channel=channel_of(body), user=context.user_id, text=context[LINE]
        )

    @app.action(ids.CHECKIN_WORD)
    async def word_clicked(ack, body, client, context) -> None:  # type: ignore[no-untyped-def]
        await ack()
        try:
            (occurrence_id,) = ids.numbers_in(body["actions"][0].get("value"), 1)
        except HavenError as error:
            await tell(
                client=client, channel=channel_of(body), user=context.user_id, text=str(error)
            )
            return
        await client.views_open(
            trigger_id=body["trigger_id"], view=views.checkin_word(occurrence_id=occurrence_id)
        )

    @app.view(ids.CHECKIN_WORD_VIEW)
    async def word_submitted(ack, view, client, context) -> None:  # type: ignore[no-untyped-def]
        try:
            (occurrence_id,) = ids.numbers_in(view.get("private_metadata"), 1)
            mood = ids.mood_in(views.submitted(view, "mood"))
            channel = await asyncio.to_thread(
                _channel_of_round,
                runtime=runtime,
                occurrence_id=occurrence_id,
                team_id=context.team_id,
            )
            line = await record_checkin(
                runtime=runtime,
                team_id=context.team_id,
                user_id=context.user_id,
                occurrence_id=occurrence_id,
                mood=mood,
                text=views.submitted(view, "word"),
            )
        except HavenError as error:  # shown under the input that caused it
            block = "word" if isinstance(error, UnstorableText) else "mood"
            await ack(field_error(block, str(error)))
            return
        await ack()
        await tell(client=client, channel=channel, user=context.user_id, text=line)
