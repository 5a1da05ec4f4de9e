"""`/haven dashboard` and the digest's "Open dashboard": a one-time sign-in link, only for the asker."""

from slack_bolt.async_app import AsyncApp

from bot.database_work import in_session
from bot.slack import ids
from bot.slack.digest_blocks import DASHBOARD_ACTION
from bot.slack.middleware import is_admin
from bot.slack.runtime import SlackRuntime
from bot.web.links import LINK_LIFETIME, link_for_person
from rituals.errors import HavenError


async def asks_for_dashboard(body: dict) -> bool:  # type: ignore[type-arg]
    """Match `/haven dashboard`."""
    return (body.get("text") or "").strip().lower() == "dashboard"


async def link_text(runtime: SlackRuntime, *, team_id: str, user_id: str) -> str:
    """Return the message carrying a fresh sign-in link, or why none can be made."""
    admin = await is_admin(runtime=runtime, team_id=team_id, user_id=user_id)
    try:
        link = await in_session(
            runtime.engine,
            lambda session: link_for_person(
                session=session,
                key=runtime.dashboard_key,
                base_url=runtime.dashboard_url,
                platform="slack",
                workspace=team_id,
                user_id=user_id,
                platform_admin=admin,
            ),
        )
    except HavenError as error:
        return f"⚠️ {error}"
    minutes = int(LINK_LIFETIME.total_seconds() // 60)
    return (
        f"<{link}|Open your Haven dashboard> — the link is yours alone and works once, "
        f"for {minutes} minutes."
    )


def register(app: AsyncApp, runtime: SlackRuntime) -> None:
    """Register the dashboard link listeners."""

    @app.command(ids.COMMAND, matchers=[asks_for_dashboard])
    async def dashboard_command(ack, context) -> None:  # type: ignore[no-untyped-def]
        text = await link_text(runtime, team_id=context.team_id, user_id=context.user_id)
        await ack(text=text, response_type="ephemeral")

    @app.action(DASHBOARD_ACTION)
    async def open_clicked(ack, context, respond) -> None:  # type: ignore[no-untyped-def]
        await ack()
        text = await link_text(runtime, team_id=context.team_id, user_id=context.user_id)
        await respond(text=text, response_type="ephemeral", replace_original=False)
