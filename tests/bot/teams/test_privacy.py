"""`privacy` in a Teams personal chat: a card with "send me my data" and "erase me"."""

import json

import pytest
from sqlmodel import Session, select

from bot.server import STATE
from bot.settings import Settings
from bot.teams.mount import TEAMS
from rituals.privacy.retention import retention_of
from storage.models import Team
from tests.bot.teams import payloads
from tests.bot.teams.conftest import FAST, TeamsHarness, install, start_app
from tests.privacy_scene import RELAY_KEY, build_scene, figures, rows_mentioning

SUBJECT = "29:eve"


@pytest.fixture
async def private(engine, database_url, connector):  # type: ignore[no-untyped-def]
    settings = Settings(DATABASE_URL=database_url, HAVEN_TEAMS_DEV=True, HAVEN_RELAY_KEY=RELAY_KEY)
    client = await start_app(settings, engine)
    runtime = client.server.app[TEAMS]
    runtime.teams.retry = FAST
    assert client.server.app[STATE].notifiers.for_platform("teams") is runtime.teams
    with Session(engine, expire_on_commit=False) as session:
        build_scene(session, platform_user=SUBJECT, teams_chat=False)
    harness = TeamsHarness(client=client, connector=connector, engine=engine, runtime=runtime)
    await install(harness)
    yield harness
    await client.close()


async def execute(teams: TeamsHarness, action: str) -> dict:  # type: ignore[type-arg]
    response = await teams.post(
        payloads.personal_execute(teams.url, {"haven": action}, sender=SUBJECT)
    )
    assert response.status == 200
    return await response.json()


@pytest.mark.parametrize("text", ["privacy", "export my data", "erase me"])
async def test_privacy_in_personal_chat_shows_the_two_actions(private, text):
    await private.post(payloads.personal_message(private.url, text, sender=SUBJECT))
    sent = private.connector.posts(f"a:personal-{SUBJECT}")[-1]
    actions = [a["data"]["haven"] for a in sent.card["actions"]]
    assert actions == ["privacy_export", "privacy_erase_confirm"]
    assert "365 days" in sent.card_text


async def test_privacy_in_a_channel_points_to_the_personal_chat(private):
    response = await private.post(
        payloads.card_execute(private.url, {"haven": "privacy"}, sender=SUBJECT)
    )
    assert "personal chat" in (await response.json())["value"]


async def test_send_me_my_data_posts_the_json_in_the_personal_chat(private):
    await private.post(payloads.personal_message(private.url, "privacy", sender=SUBJECT))
    answer = await execute(private, "privacy_export")
    assert "I sent everything Haven holds about you" in answer["value"]
    (sent,) = [
        call
        for call in private.connector.posts(f"a:personal-{SUBJECT}")
        if "haven-my-data.json" in (call.body.get("text") or "")
    ]
    content = sent.body["text"].split("```\n", 1)[1].rsplit("\n```", 1)[0]
    document = json.loads(content)
    assert document["user_id"] == SUBJECT
    assert len(document["named_answers"]) == 8


async def test_erase_me_asks_first_then_erases_everything_but_figures(private, engine):
    with Session(engine) as session:
        before = figures(session)
    await private.post(payloads.personal_message(private.url, "privacy", sender=SUBJECT))
    confirm = await execute(private, "privacy_erase_confirm")
    assert "8  named answers" in json.dumps(confirm["value"])
    assert [a["data"]["haven"] for a in confirm["value"]["actions"]] == ["privacy_erase"]
    assert rows_mentioning(engine, SUBJECT)

    erased = await execute(private, "privacy_erase")
    assert "Removed for 29:eve" in erased["value"]
    assert rows_mentioning(engine, SUBJECT) == []
    with Session(engine) as session:
        assert figures(session) == before

    again = await execute(private, "privacy_erase")
    # Speaking to Haven stores where to answer; only that reference is there to erase again.
    assert "0  named answers" in again["value"] and "0  stories shared by name" in again["value"]


async def test_admins_set_the_team_retention_in_its_channel(private, engine):
    setup = {"haven": "setup", "name": "Teams team", "timezone": "UTC"}
    bound = await private.post(payloads.card_execute(private.url, setup, sender="29:alice"))
    assert "is team Teams team" in (await bound.json())["value"]
    shown = await private.post(
        payloads.card_execute(private.url, {"haven": "retention"}, sender="29:bob")
    )
    assert "kept 365 days" in (await shown.json())["value"]
    mention = {"haven": "retention_set", "days": "120"}
    refused = await private.post(payloads.card_execute(private.url, mention, sender="29:bob"))
    assert "120" not in (await refused.json())["value"]
    changed = await private.post(payloads.card_execute(private.url, mention, sender="29:alice"))
    assert "now kept 120 days" in (await changed.json())["value"]
    with Session(engine) as session:
        (team,) = session.exec(select(Team).where(Team.channel == payloads.CHANNEL)).all()
        assert retention_of(session=session, team_id=team.id) == 120
