"""Leader replies to anonymous answers: the reply modal and the relay through the core."""

from slack_bolt.async_app import AsyncApp
from sqlmodel import Session

from bot.database_work import in_session
from bot.slack import ids, views
from bot.slack.listeners.common import field_error
from bot.slack.runtime import SlackRuntime
from rituals.errors import HavenError
from rituals.relay import reply_to_item
from storage.db import session_scope
from storage.models import AnonymousAnswer


def released_text(*, session: Session, item_key: str) -> str:
    """Return the text of a released anonymous answer, or "" when there is none to reply to."""
    item = session.get(AnonymousAnswer, item_key) if item_key else None
    return item.text if item is not None and item.released else ""


def register(app: AsyncApp, runtime: SlackRuntime) -> None:
    """Register the relay listeners."""

    @app.action(ids.RELAY_REPLY)
    async def reply_clicked(ack, body, client) -> None:  # type: ignore[no-untyped-def]
        await ack()
        try:
            item_key = ids.item_key_in(body["actions"][0].get("value"))
        except HavenError:
            item_key = ""
        excerpt = await in_session(
            runtime.engine, lambda session: released_text(session=session, item_key=item_key)
        )
        view = (
            views.relay_reply(item_key=item_key, excerpt=excerpt)
            if excerpt
            else views.notice("Reply", "That answer is no longer available to reply to.")
        )
        await client.views_open(trigger_id=body["trigger_id"], view=view)

    @app.view(ids.RELAY_VIEW)
    async def reply_submitted(ack, view, context) -> None:  # type: ignore[no-untyped-def]
        try:
            with session_scope(runtime.engine) as session:
                await reply_to_item(
                    session=session,
                    notifiers=runtime.notifiers,
                    key=runtime.relay_key,
                    item_key=ids.item_key_in(view.get("private_metadata")),
                    leader_user_id=context.user_id,
                    text=views.submitted(view, "reply"),
                )
        except HavenError as error:
            await ack(field_error("reply", str(error)))
            return
        await ack(
            response_action="update",
            view=views.notice(
                "Reply sent", "Haven passed your reply on. You will not learn who wrote the answer."
            ),
        )
