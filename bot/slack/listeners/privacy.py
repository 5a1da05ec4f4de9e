"""People's own data from Slack: a copy as a JSON file in a DM, and erasure after a confirmation."""

import json

from slack_bolt.async_app import AsyncApp
from sqlmodel import Session

from bot.database_work import in_session
from bot.privacy_requests import NOTHING_HELD, own_erasure, own_export
from bot.slack import ids, views
from bot.slack.commands import HavenCommand
from bot.slack.kit import Block
from bot.slack.privacy_blocks import erase_confirmation, erased_notice, privacy_blocks
from bot.slack.runtime import SlackRuntime
from rituals.errors import InvalidAnswer
from rituals.privacy.retention import retention_of, retention_of_person, set_retention
from storage.models import Team


async def own_data_blocks(runtime: SlackRuntime, *, user_id: str) -> list[Block]:
    """Return the person's privacy message: what is kept, for how long, and the two buttons."""
    days = await in_session(
        runtime.engine, lambda session: retention_of_person(session=session, user_id=user_id)
    )
    return privacy_blocks(retention_days=days, policy=runtime.privacy)


def retention_reply(*, session: Session, team: Team, asked: HavenCommand) -> str:
    """Say the team's retention, or set it when an admin gives a number of days."""
    if asked.action:
        if not asked.action.isdigit():
            raise InvalidAnswer("Say a number of days: `/haven retention 365`.")
        days = set_retention(session=session, team_id=team.id, days=int(asked.action))
        return f"{team.name}: answers and texts are now kept {days} days."
    days = retention_of(session=session, team_id=team.id)
    return (
        f"{team.name}: answers and texts are kept {days} days, then deleted; "
        "weekly team figures stay. Admins: `/haven retention <days>`."
    )


def register(app: AsyncApp, runtime: SlackRuntime) -> None:
    """Register the privacy buttons (message and Home tab) and the erase confirmation."""

    @app.action(ids.PRIVACY_EXPORT)
    async def export_clicked(ack, client, context, respond) -> None:  # type: ignore[no-untyped-def]
        await ack()
        user_id, team_id = context.user_id, context.team_id
        document = await own_export(engine=runtime.engine, policy=runtime.privacy, user_id=user_id)
        channel = await runtime.people.dm_channel(team_id=team_id, user_id=user_id)
        if document is None:
            await client.chat_postMessage(channel=channel, text=NOTHING_HELD)
            return
        await client.files_upload_v2(
            channel=channel,
            content=json.dumps(document, indent=2, ensure_ascii=False),
            filename="haven-my-data.json",
            title="Everything Haven holds about you",
            initial_comment="Here is everything Haven holds about you, as JSON.",
        )

    @app.action(ids.PRIVACY_ERASE)
    async def erase_clicked(ack, body, client, context) -> None:  # type: ignore[no-untyped-def]
        await ack()
        preview = await own_erasure(
            engine=runtime.engine,
            relay_key=runtime.relay_key,
            user_id=context.user_id,
            dry_run=True,
        )
        view = (
            views.notice("Erase my data", NOTHING_HELD)
            if preview.nothing
            else erase_confirmation(preview)
        )
        await client.views_open(trigger_id=body["trigger_id"], view=view)

    @app.view(ids.PRIVACY_ERASE_VIEW)
    async def erase_confirmed(ack, context) -> None:  # type: ignore[no-untyped-def]
        report = await own_erasure(
            engine=runtime.engine,
            relay_key=runtime.relay_key,
            user_id=context.user_id,
            dry_run=False,
        )
        runtime.people.forget_person(team_id=context.team_id, user_id=context.user_id)
        await ack(response_action="update", view=erased_notice(report))
