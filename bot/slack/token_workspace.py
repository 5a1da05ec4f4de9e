"""The workspace SLACK_BOT_TOKEN belongs to, asked of Slack with auth.test."""

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.engine import Engine

from rituals.team_config import DEFAULT_WORKSPACE
from storage.db import session_scope
from storage.workspace_binding import bind_placeholder_workspace

log = logging.getLogger(__name__)


def token_workspace(*, api_url: str, token: str) -> str | None:
    """Return the Slack team id (T…) of the token, or None when Slack cannot say."""
    try:
        response = WebClient(token=token, base_url=api_url, timeout=10).auth_test()
    except (SlackApiError, SlackClientError, OSError):
        return None
    team_id = response.get("team_id")
    return team_id if isinstance(team_id, str) and team_id else None


async def bind_config_teams(*, client: AsyncWebClient, engine: Engine) -> None:
    """Move teams of the placeholder workspace 'default' to the token's workspace, and say so."""
    try:
        response = await client.auth_test()
    except (SlackApiError, SlackClientError, OSError) as error:
        log.warning("Slack auth.test failed (%s); config teams stay unbound for now", error)
        return
    team_id = str(response.get("team_id") or "")
    if not team_id:
        return
    with session_scope(engine) as session:
        moved = bind_placeholder_workspace(
            session=session,
            platform="slack",
            placeholder=DEFAULT_WORKSPACE["slack"],
            external_id=team_id,
        )
    if moved:
        log.info("Slack: %d team(s) from the config bound to workspace %s", moved, team_id)
