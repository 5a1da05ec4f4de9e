"""Anonymous feedback: the answer modal, and storing an answer with no link to its author.

Nothing on this path logs or stores the Slack user id: the id only goes into the core call, which
turns it into a keyed hash, and, when the author asks for replies, into an encrypted seal.
"""

from slack_bolt.async_app import AsyncApp
from sqlmodel import Session

from bot.database_work import in_session
from bot.slack import ids, views
from bot.slack.listeners.common import channel_of, field_error, slack_scope, tell
from bot.slack.runtime import SlackRuntime
from rituals import feedback
from rituals.errors import HavenError


def record_answer(
    *,
    session: Session,
    team_id: str,
    user_id: str,
    occurrence_id: int,
    text: str | None,
    relay_key: bytes | None,
) -> feedback.FeedbackReceipt:
    """Store one anonymous answer (blocking: run it through in_session)."""
    scope, occurrence = slack_scope(session=session, occurrence_id=occurrence_id, team_id=team_id)
    return feedback.record(
        scope=scope, occurrence=occurrence, user_id=user_id, text=text, relay_key=relay_key
    )


def register(app: AsyncApp, runtime: SlackRuntime) -> None:
    """Register the anonymous-feedback listeners."""

    @app.action(ids.FEEDBACK_ANSWER)
    async def answer_clicked(ack, body, client, context) -> None:  # type: ignore[no-untyped-def]
        await ack()
        try:
            (occurrence_id,) = ids.numbers_in(body["actions"][0].get("value"), 1)
            asked = await in_session(
                runtime.engine,
                lambda session: feedback.prompt(
                    *slack_scope(
                        session=session, occurrence_id=occurrence_id, team_id=context.team_id
                    )
                ),
            )
        except HavenError as error:
            await tell(
                client=client, channel=channel_of(body), user=context.user_id, text=str(error)
            )
            return
        await client.views_open(
            trigger_id=body["trigger_id"],
            view=views.feedback_answer(
                occurrence_id=occurrence_id,
                question=asked.question,
                threshold=asked.threshold,
                replies_possible=runtime.relay_key is not None,
            ),
        )

    @app.view(ids.FEEDBACK_VIEW)
    async def answer_submitted(ack, view, context) -> None:  # type: ignore[no-untyped-def]
        wants_replies = "yes" in (views.submitted(view, "replies") or [])
        try:
            (occurrence_id,) = ids.numbers_in(view.get("private_metadata"), 1)
            receipt = await in_session(
                runtime.engine,
                lambda session: record_answer(
                    session=session,
                    team_id=context.team_id,
                    user_id=context.user_id,
                    occurrence_id=occurrence_id,
                    text=views.submitted(view, "answer"),
                    relay_key=runtime.relay_key if wants_replies else None,
                ),
            )
        except HavenError as error:
            await ack(field_error("answer", str(error)))
            return
        await ack(
            response_action="update",
            view=views.notice(
                "Stored anonymously",
                f"Thank you. Your answer is stored without your name ({receipt.answers_so_far} "
                f"so far). Leaders see the answers only once {receipt.threshold} exist, "
                "shuffled, in one batch.",
            ),
        )
