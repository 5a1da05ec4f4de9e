"""Teams: `dashboard` and the digest card's "Open dashboard" answer with a one-time link."""

import jsonschema
import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.server import create_app
from bot.settings import Settings
from rituals.admin import set_leaders
from storage.teams import find_team
from tests.bot.teams import payloads
from tests.bot.teams.conftest import set_up_team
from tests.specs import spec_schema

KEY = "teams-dashboard-key-0123456789abcdef"


@pytest.fixture(autouse=True)
def dashboard_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """Give the server a key to sign links with (the teams fixture reads the environment too)."""
    monkeypatch.setenv("HAVEN_DASHBOARD_KEY", KEY)


def open_url(card: dict) -> str:  # type: ignore[type-arg]
    """Return the Action.OpenUrl target of a card."""
    [action] = [a for a in card["actions"] if a["type"] == "Action.OpenUrl"]
    return action["url"]


async def signs_in(teams, url: str) -> int:  # type: ignore[no-untyped-def]
    """Follow a link on a dashboard served from the same database; return the status."""
    settings = Settings(DATABASE_URL="", HAVEN_DASHBOARD_KEY=KEY)  # type: ignore[call-arg]
    app = create_app(settings=settings, engine=teams.engine, schedule=False)
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        path = url.split("localhost:3978", 1)[1]
        first = await client.get(path, allow_redirects=False)
        return first.status


async def test_typing_dashboard_in_personal_chat_gives_a_link(teams) -> None:  # type: ignore[no-untyped-def]
    await set_up_team(teams)
    with teams.session() as session:
        set_leaders(
            session=session, team=find_team(session=session, name="Platform"), user_ids=["29:alice"]
        )
    await teams.post(payloads.personal_message(teams.url, "dashboard", sender="29:alice"))
    card = teams.connector.posts("a:personal-29:alice")[-1].card
    schema = spec_schema("adaptive-card-1.5.schema.json")
    jsonschema.validators.validator_for(schema)(schema).validate(card)
    url = open_url(card)
    assert url.startswith("http://localhost:3978/app/sign-in?token=")
    assert await signs_in(teams, url) == 303


async def test_the_digest_cards_open_dashboard_button_gives_a_link(teams) -> None:  # type: ignore[no-untyped-def]
    await set_up_team(teams)
    await teams.post(payloads.card_submit(teams.url, {"haven": "dashboard"}, sender="29:alice"))
    assert open_url(teams.connector.posts("a:personal-29:alice")[-1].card).startswith(
        "http://localhost:3978/app/sign-in?token="
    )
