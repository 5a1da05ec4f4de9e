"""Safety pulse: a click on the agree scale for one item."""

import asyncio
import re

from slack_bolt.async_app import AsyncApp

from bot.slack import ids
from bot.slack.listeners.common import channel_of, slack_scope, tell
from bot.slack.runtime import SlackRuntime
from rituals import pulse
from rituals.errors import HavenError
from rituals.messages import AGREE_LABELS
from rituals.pulse import PulseReceipt
from storage.db import session_scope

SCORE_ACTION = re.compile(rf"^{ids.PULSE_SCORE}_[1-7]$")


def confirmation(receipt: PulseReceipt) -> str:
    """Return what the member is told after answering one item."""
    verb = "changed item" if receipt.changed else "answered item"
    rest = (
        f" {len(receipt.remaining)} item(s) to go."
        if receipt.remaining
        else " That's all for this week — thank you."
    )
    return f"✅ You {verb} {receipt.item}: {receipt.score} · {AGREE_LABELS[receipt.score]}.{rest}"


def record_score(
    *, runtime: SlackRuntime, team_id: str, user_id: str, occurrence_id: int, item: int, score: int
) -> PulseReceipt:
    """Store one pulse answer and commit it (blocking: run it in a worker thread)."""
    with session_scope(runtime.engine) as session:
        scope, occurrence = slack_scope(
            session=session, occurrence_id=occurrence_id, team_id=team_id
        )
        return pulse.record(
            scope=scope, occurrence=occurrence, user_id=user_id, item=item, score=score
        )


def register(app: AsyncApp, runtime: SlackRuntime) -> None:
    """Register the safety-pulse listener."""

    @app.action(SCORE_ACTION)
    async def score_clicked(ack, body, client, context) -> None:  # type: ignore[no-untyped-def]
        # Acknowledged means stored: the ack follows the commit.
        try:
            occurrence_id, item, score = ids.numbers_in(body["actions"][0].get("value"), 3)
            receipt = await asyncio.to_thread(
                record_score,
                runtime=runtime,
                team_id=context.team_id,
                user_id=context.user_id,
                occurrence_id=occurrence_id,
                item=item,
                score=score,
            )
            line = confirmation(receipt)
        except HavenError as error:
            line = str(error)
        await ack()
        await tell(client=client, channel=channel_of(body), user=context.user_id, text=line)
