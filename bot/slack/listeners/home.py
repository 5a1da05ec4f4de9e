"""The App Home tab: publish it when opened; admins' edit, pause and resume buttons."""

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient
from sqlmodel import Session

from bot.database_work import in_session
from bot.slack import ids, views
from bot.slack.home import home_view
from bot.slack.listeners.admin import team_of_ritual
from bot.slack.middleware import AdminOnly, is_admin
from bot.slack.runtime import SlackRuntime
from rituals import admin
from rituals.errors import HavenError
from storage.models import Ritual


async def publish_home(
    runtime: SlackRuntime, *, client: AsyncWebClient, team_id: str, user_id: str
) -> None:
    """Build and publish one person's Home tab."""
    allowed = await is_admin(runtime=runtime, team_id=team_id, user_id=user_id)
    view = await in_session(
        runtime.engine,
        lambda session: home_view(
            session=session,
            team_id=team_id,
            user_id=user_id,
            is_admin=allowed,
            policy=runtime.privacy,
        ),
    )
    await client.views_publish(user_id=user_id, view=view)


def edit_view(*, session: Session, ritual_id: int, team_id: str) -> dict:  # type: ignore[type-arg]
    """Return the edit modal of a ritual of this workspace."""
    team_of_ritual(session=session, ritual_id=ritual_id, team_id=team_id)
    ritual = session.get(Ritual, ritual_id)
    assert ritual is not None
    return views.ritual_edit(ritual)


def register(app: AsyncApp, runtime: SlackRuntime) -> None:
    """Register the App Home listeners."""
    admin_only = AdminOnly(runtime=runtime)

    @app.event("app_home_opened")
    async def home_opened(event, client, context) -> None:  # type: ignore[no-untyped-def]
        if event.get("tab", "home") != "home":
            return
        await publish_home(runtime, client=client, team_id=context.team_id, user_id=event["user"])

    @app.action(ids.HOME_EDIT, middleware=[admin_only])
    async def edit_clicked(ack, body, client, context) -> None:  # type: ignore[no-untyped-def]
        await ack()
        try:
            (ritual_id,) = ids.numbers_in(body["actions"][0].get("value"), 1)
            view = await in_session(
                runtime.engine,
                lambda session: edit_view(
                    session=session, ritual_id=ritual_id, team_id=context.team_id
                ),
            )
        except HavenError as error:
            view = views.notice("Edit ritual", str(error))
        await client.views_open(trigger_id=body["trigger_id"], view=view)

    async def toggle(body, client, context, *, paused: bool) -> None:  # type: ignore[no-untyped-def]
        try:
            (ritual_id,) = ids.numbers_in(body["actions"][0].get("value"), 1)
            await in_session(
                runtime.engine,
                lambda session: admin.set_paused(
                    session=session,
                    team=team_of_ritual(
                        session=session, ritual_id=ritual_id, team_id=context.team_id
                    ),
                    ritual_id=ritual_id,
                    paused=paused,
                ),
            )
            runtime.rituals_changed()
        except HavenError:
            pass  # the refreshed Home tab shows the true state
        await publish_home(runtime, client=client, team_id=context.team_id, user_id=context.user_id)

    @app.action(ids.HOME_PAUSE, middleware=[admin_only])
    async def pause_clicked(ack, body, client, context) -> None:  # type: ignore[no-untyped-def]
        await ack()
        await toggle(body, client, context, paused=True)

    @app.action(ids.HOME_RESUME, middleware=[admin_only])
    async def resume_clicked(ack, body, client, context) -> None:  # type: ignore[no-untyped-def]
        await ack()
        await toggle(body, client, context, paused=False)
