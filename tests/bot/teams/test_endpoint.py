"""POST /api/messages: auth on and off, malformed activities, start-up refusals."""

import base64
import json

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from bot.server import create_app
from bot.settings import Settings
from rituals.errors import HavenError
from storage.models_teams import TeamsConversation, TeamsRosterMember
from tests.bot.teams import payloads
from tests.bot.teams.conftest import start_app

APP_ID = "6f1d2a4e-1b1e-4c5a-9d77-2f8f0c1a9b01"


def unsigned_jwt(claims: dict) -> str:
    """Return a JWT-shaped token that no Microsoft key signed."""

    def part(value: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'RS256', 'kid': 'nope', 'typ': 'JWT'})}.{part(claims)}.c2lnbmF0dXJl"


@pytest.fixture
async def secured(engine, database_url, connector):
    """Return a client to Haven with Bot Framework auth on."""
    settings = Settings(
        DATABASE_URL=database_url, MICROSOFT_APP_ID=APP_ID, MICROSOFT_APP_PASSWORD="secret"
    )
    client = await start_app(settings, engine)
    yield client
    await client.close()


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "Bearer not-a-jwt",
        "Basic dXNlcjpwYXNz",
        "Bearer " + unsigned_jwt({"iss": "https://evil.example", "aud": APP_ID}),
    ],
)
async def test_with_an_app_id_requests_without_a_valid_token_get_401_and_change_nothing(
    secured, connector, engine, authorization
):
    headers = {"Authorization": authorization} if authorization else {}

    response = await secured.post(
        "/api/messages", json=payloads.bot_added(connector.url), headers=headers
    )

    assert response.status == 401
    assert connector.calls == []
    from sqlmodel import Session

    with Session(engine) as session:
        assert session.exec(select(TeamsConversation)).all() == []
        assert session.exec(select(TeamsRosterMember)).all() == []


async def test_with_auth_off_in_development_activities_are_handled_without_a_token(teams):
    response = await teams.post(payloads.personal_message(teams.url, "help", sender="29:bob"))

    assert response.status == 201
    [reply] = teams.connector.posts("a:personal-29:bob")
    assert "Haven — psychological-safety rituals" in reply.card_text


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (b"{not json", "application/json", 400),
        (b"[1, 2]", "application/json", 400),
        (b'{"text": "no type"}', "application/json", 400),
        (b'{"type": "message", "serviceUrl": "http://x/"}', "application/json", 400),
        (
            b'{"type": "message", "conversation": {"id": "c"}, "recipient": {"id": "b"}}',
            "application/json",
            400,
        ),
        (b"type=message", "application/x-www-form-urlencoded", 415),
    ],
)
async def test_malformed_activities_are_refused_and_the_server_stays_up(
    teams, body, content_type, status
):
    response = await teams.client.post(
        "/api/messages", data=body, headers={"Content-Type": content_type}
    )

    assert response.status == status
    assert (await teams.client.get("/healthz")).status == 200
    assert teams.connector.calls == []


async def test_an_activity_type_haven_does_not_handle_is_accepted_quietly(teams):
    activity = payloads.personal_message(teams.url, "", sender="29:bob")
    activity["type"] = "typing"

    assert (await teams.post(activity)).status == 201
    assert teams.connector.posts() == []


async def test_healthz_lists_teams_among_the_platforms(teams):
    body = await (await teams.client.get("/healthz")).json()
    assert "teams" in body["platforms"]


@pytest.mark.parametrize(
    ("settings", "reason"),
    [
        (
            {"HAVEN_ENV": "production", "MICROSOFT_APP_PASSWORD": "secret"},
            "MICROSOFT_APP_ID is empty",
        ),
        ({"HAVEN_ENV": "production", "HAVEN_TEAMS_DEV": True}, "refused when HAVEN_ENV=production"),
        (
            {
                "HAVEN_ENV": "production",
                "HAVEN_TEAMS_DEV": True,
                "MICROSOFT_APP_ID": APP_ID,
                "MICROSOFT_APP_PASSWORD": "s",
            },
            "HAVEN_TEAMS_DEV",
        ),
        ({"MICROSOFT_APP_TENANT_ID": "t"}, "HAVEN_TEAMS_DEV=1"),
        ({"MICROSOFT_APP_ID": APP_ID}, "MICROSOFT_APP_PASSWORD is empty"),
        (
            {
                "MICROSOFT_APP_ID": APP_ID,
                "MICROSOFT_APP_PASSWORD": "s",
                "MICROSOFT_APP_TYPE": "Other",
            },
            "MICROSOFT_APP_TYPE",
        ),
    ],
)
def test_unsafe_teams_settings_refuse_to_start_and_say_why(database_url, settings, reason):
    with pytest.raises(HavenError, match=reason):
        create_app(settings=Settings(DATABASE_URL=database_url, **settings), schedule=False)


def test_teams_is_off_without_any_teams_setting_and_on_with_the_dev_switch():
    assert not Settings(_env_file=None).teams_enabled
    assert Settings(_env_file=None, HAVEN_TEAMS_DEV=True).teams_enabled
    assert Settings(_env_file=None, MICROSOFT_APP_ID=APP_ID).teams_enabled


def test_haven_serve_in_production_without_an_app_id_prints_one_line(tmp_path, monkeypatch):
    from bot.cli import app
    from bot.settings import load_settings
    from storage.secret_box import new_secret_key

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'serve.db'}")
    monkeypatch.setenv("HAVEN_ENV", "production")
    monkeypatch.setenv("MICROSOFT_APP_PASSWORD", "secret")
    monkeypatch.setenv("HAVEN_SECRET_KEY", new_secret_key(key_id="k1"))
    monkeypatch.setenv("HAVEN_ALLOW_SQLITE", "1")
    load_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["serve", "--port", "0"])
    finally:
        load_settings.cache_clear()

    assert result.exit_code == 1
    assert result.output.strip().count("\n") == 0
    assert "MICROSOFT_APP_ID" in result.output
