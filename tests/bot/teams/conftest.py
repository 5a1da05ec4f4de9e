"""Fixtures for Teams: a fake connector on port 0 and the real Haven app in Teams development mode."""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.server import STATE, create_app
from bot.settings import Settings
from bot.teams.mount import TEAMS
from bot.teams.notifier import TeamsNotifier
from bot.teams.retry import RetryPolicy
from bot.teams.runtime import TeamsRuntime
from rituals.admin import add_haven_admin
from tests.bot.teams import payloads
from tests.bot.teams.fake_connector import FakeConnector

FAST = RetryPolicy(attempts=4, base_delay=0.001, max_delay=0.01)


@dataclass
class TeamsHarness:
    """The running Haven app, a client to it and the fake connector it talks to."""

    client: TestClient
    connector: FakeConnector
    engine: Engine
    runtime: TeamsRuntime

    @property
    def url(self) -> str:
        """Return the service URL activities carry: the fake connector."""
        return self.connector.url

    @property
    def notifier(self) -> TeamsNotifier:
        """Return the Teams notifier of the running app."""
        return self.runtime.teams

    async def post(self, activity: dict[str, Any], **headers: str) -> Any:
        """Post an activity to /api/messages and return the response."""
        return await self.client.post("/api/messages", json=activity, headers=headers)

    def session(self) -> Session:
        """Return a new session on the app's database."""
        return Session(self.engine, expire_on_commit=False)


@pytest.fixture
async def connector() -> AsyncIterator[FakeConnector]:
    """Return a started fake connector whose team roster has five people."""
    fake = FakeConnector(rosters={payloads.TEAM: [dict(p) for p in payloads.PEOPLE]})
    await fake.start()
    yield fake
    await fake.close()


async def start_app(settings: Settings, engine: Engine) -> TestClient:
    """Start the real Haven app (no scheduler) and return a client to it."""
    client = TestClient(TestServer(create_app(settings=settings, engine=engine, schedule=False)))
    await client.start_server()
    return client


@pytest.fixture
async def teams(
    engine: Engine, database_url: str, connector: FakeConnector
) -> AsyncIterator[TeamsHarness]:
    """Return Haven serving Teams without auth (HAVEN_TEAMS_DEV=1), talking to the fake connector."""
    settings = Settings(DATABASE_URL=database_url, HAVEN_TEAMS_DEV=True, HAVEN_RELAY_KEY=RELAY_KEY)
    client = await start_app(settings, engine)
    app = client.server.app
    runtime = app[TEAMS]
    runtime.teams.retry = FAST
    assert app[STATE].notifiers.for_platform("teams") is runtime.teams
    yield TeamsHarness(client=client, connector=connector, engine=engine, runtime=runtime)
    await client.close()


RELAY_KEY = "q6oyQmMoB6JkXwHcY8r7sT0Tn2Vb3l5oJ0nQm9pU1Yw="


async def install(teams: TeamsHarness) -> None:
    """Add the bot to the team, as Teams does on install."""
    response = await teams.post(payloads.bot_added(teams.url))
    assert response.status == 201


async def set_up_team(teams: TeamsHarness, *, admin: str = "29:alice") -> None:
    """Install the bot and bind the channel to team 'Platform' through the setup card."""
    await install(teams)
    data = {
        "haven": "setup",
        "name": "Platform",
        "timezone": "Europe/Berlin",
        "working_days": "mon,tue,wed,thu,fri",
    }
    response = await teams.post(payloads.card_execute(teams.url, data, sender=admin))
    assert response.status == 200
    assert "is team Platform" in (await response.json())["value"]


def make_admin(session: Session, user_id: str) -> None:
    """Name someone a Haven admin of the test tenant."""
    add_haven_admin(session=session, platform="teams", workspace=payloads.TENANT, user_id=user_id)
