"""What Slack says about people (users.info), cached in the database to spare rate limits."""

import asyncio
import re
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, delete

from bot.slack.web import SlackClients
from rituals.clock import utcnow
from storage.models_slack import SlackUser

TIME_TO_LIVE = timedelta(minutes=30)
NEVER = datetime(1970, 1, 1, tzinfo=UTC)
AWAY_EMOJI = frozenset({":palm_tree:", ":desert_island:", ":beach_with_umbrella:", ":airplane:"})
AWAY_WORDS = re.compile(
    r"\b(vacation|vacationing|holiday|holidays|out of (the )?office|ooo|on leave|pto|annual leave)\b",
    re.IGNORECASE,
)


def is_away(profile: dict[str, Any], *, now: float | None = None) -> bool:
    """Return whether a profile's current status says vacation or out of office."""
    expires = int(profile.get("status_expiration") or 0)
    if expires and expires <= (now if now is not None else time.time()):
        return False
    emoji = profile.get("status_emoji") or ""
    return emoji in AWAY_EMOJI or bool(AWAY_WORDS.search(profile.get("status_text") or ""))


def from_users_info(*, team_id: str, user: dict[str, Any]) -> SlackUser:
    """Build the cached row from a users.info `user` object."""
    profile = user.get("profile") or {}
    name = (
        profile.get("display_name")
        or profile.get("real_name")
        or user.get("real_name")
        or user.get("name")
        or ""
    )
    return SlackUser(
        team_id=team_id,
        user_id=user["id"],
        display_name=name[:200],
        timezone=(user.get("tz") or "")[:64],
        is_admin=bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner")),
        is_bot=bool(user.get("is_bot") or user.get("deleted") or user["id"] == "USLACKBOT"),
        away=is_away(profile),
        fetched_at=utcnow(),
    )


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class SlackPeople:
    """Looks people up through users.info at most once per time to live, and opens DMs once."""

    def __init__(
        self, *, engine: Engine, clients: SlackClients, time_to_live: timedelta = TIME_TO_LIVE
    ) -> None:
        self.engine = engine
        self.clients = clients
        self.time_to_live = time_to_live
        self._memory: dict[tuple[str, str], SlackUser] = {}  # spares a query on every click

    def _fresh(self, person: SlackUser | None) -> bool:
        return person is not None and utcnow() - _aware(person.fetched_at) < self.time_to_live

    async def lookup(self, *, team_id: str, user_id: str) -> SlackUser:
        """Return what Slack says about a person, from the cache while it is fresh."""
        remembered = self._memory.get((team_id, user_id))
        if remembered is not None and self._fresh(remembered):
            return remembered
        cached = await asyncio.to_thread(self._cached, team_id, user_id)
        if cached is not None and self._fresh(cached):
            self._memory[(team_id, user_id)] = cached
            return cached
        client = await self.clients.for_workspace(team_id)
        response = await client.users_info(user=user_id)
        fresh = from_users_info(team_id=team_id, user=response["user"])
        fresh.dm_channel = cached.dm_channel if cached else ""
        await asyncio.to_thread(self._keep, fresh)
        self._memory[(team_id, user_id)] = fresh
        return fresh

    async def display_name(self, *, team_id: str, user_id: str) -> str:
        """Return the name Slack shows for a person."""
        return (await self.lookup(team_id=team_id, user_id=user_id)).display_name

    async def dm_channel(self, *, team_id: str, user_id: str) -> str:
        """Return the id of the bot's direct-message channel with a person, opening it once."""
        cached = await asyncio.to_thread(self._cached, team_id, user_id)
        if cached is not None and cached.dm_channel:
            return cached.dm_channel
        client = await self.clients.for_workspace(team_id)
        response = await client.conversations_open(users=user_id)
        channel = response["channel"]["id"]
        await asyncio.to_thread(self._keep_dm_channel, team_id, user_id, channel)
        self._memory.pop((team_id, user_id), None)
        return channel

    def _cached(self, team_id: str, user_id: str) -> SlackUser | None:
        """Return the cached row of a person (blocking: run it in a worker thread)."""
        with Session(self.engine, expire_on_commit=False) as session:
            return session.get(SlackUser, (team_id, user_id))

    def _keep(self, fresh: SlackUser) -> None:
        """Write what users.info said (blocking: run it in a worker thread)."""
        with Session(self.engine, expire_on_commit=False) as session:
            session.merge(fresh)
            session.commit()

    def _keep_dm_channel(self, team_id: str, user_id: str, channel: str) -> None:
        """Remember the DM channel of a person (blocking: run it in a worker thread)."""
        with Session(self.engine, expire_on_commit=False) as session:
            row = session.get(SlackUser, (team_id, user_id)) or SlackUser(
                team_id=team_id, user_id=user_id, fetched_at=NEVER
            )  # a stale row: the next lookup still asks users.info
            row.dm_channel = channel
            session.add(row)
            session.commit()

    def forget_person(self, *, team_id: str, user_id: str) -> None:
        """Drop a person from the in-memory cache (their rows are erased by the core)."""
        self._memory.pop((team_id, user_id), None)

    def forget_workspace(self, *, team_id: str) -> int:
        """Delete everything cached about a workspace's people (on uninstall); return how many."""
        self._memory = {key: row for key, row in self._memory.items() if key[0] != team_id}
        with Session(self.engine) as session:
            result = session.exec(delete(SlackUser).where(SlackUser.team_id == team_id))
            session.commit()
            return result.rowcount or 0
