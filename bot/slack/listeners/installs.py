"""Uninstall and token revocation: forget the tokens and profiles; erase the rest after a grace period."""

import asyncio
import logging

from slack_bolt.async_app import AsyncApp

from bot.database_work import in_session
from bot.slack.runtime import SlackRuntime
from rituals.clock import utcnow
from rituals.privacy.workspace_erasure import schedule_erasure

log = logging.getLogger(__name__)


def register(app: AsyncApp, runtime: SlackRuntime) -> None:
    """Register the app_uninstalled and tokens_revoked listeners."""

    @app.event("app_uninstalled")
    async def uninstalled(context) -> None:  # type: ignore[no-untyped-def]
        if runtime.installation_store is not None:
            await runtime.installation_store.async_delete_all(
                enterprise_id=context.enterprise_id, team_id=context.team_id
            )
        await asyncio.to_thread(runtime.people.forget_workspace, team_id=context.team_id)
        when = await in_session(
            runtime.engine,
            lambda session: schedule_erasure(
                session=session,
                platform="slack",
                external_id=context.team_id,
                now=utcnow(),
                grace_days=runtime.privacy.uninstall_grace_days,
            ),
        )
        # Nobody can be told in Slack any more (the token is gone); the Home tab said it beforehand.
        log.info(
            "Slack workspace %s uninstalled Haven: everything of it is erased on %s",
            context.team_id,
            when.date().isoformat(),
        )

    @app.event("tokens_revoked")
    async def revoked(event, context) -> None:  # type: ignore[no-untyped-def]
        store = runtime.installation_store
        if store is None:
            return
        tokens = event.get("tokens") or {}
        for user_id in tokens.get("oauth") or []:
            await store.async_delete_installation(
                enterprise_id=context.enterprise_id, team_id=context.team_id, user_id=user_id
            )
        if tokens.get("bot"):
            await store.async_delete_bot(
                enterprise_id=context.enterprise_id, team_id=context.team_id
            )
