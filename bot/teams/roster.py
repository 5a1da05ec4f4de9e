"""Read a Teams team's roster page by page through TeamsInfo."""

from botbuilder.core import TurnContext
from botbuilder.core.teams import TeamsInfo
from botbuilder.schema.teams import TeamsChannelAccount

from bot.teams.conversations import RosterEntry

PAGE_SIZE = 500  # Teams serves 50 to 500 members a page


async def fetch_roster(context: TurnContext, roster_id: str) -> list[TeamsChannelAccount]:
    """Return every member of a Teams team (or chat), following continuation tokens."""
    members: list[TeamsChannelAccount] = []
    token: str | None = None
    while True:
        page = await TeamsInfo.get_paged_team_members(context, roster_id, token, PAGE_SIZE)
        members.extend(page.members or [])
        token = page.continuation_token
        if not token:
            return members


def entries_of(accounts: list[TeamsChannelAccount]) -> list[RosterEntry]:
    """Return the roster entries of the accounts Teams listed."""
    return [
        RosterEntry(
            user_id=account.id,
            display_name=account.name or "",
            aad_object_id=account.aad_object_id or "",
            is_owner=(account.user_role or "").lower() == "owner",
        )
        for account in accounts
        if account.id
    ]
