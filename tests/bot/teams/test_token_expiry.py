"""Bot Framework tokens must carry an expiry: a signed token without `exp` is refused."""

import pytest
from botframework.connector.auth.jwt_token_extractor import JwtTokenExtractor

from bot.settings import Settings
from tests.bot.teams import payloads
from tests.bot.teams.conftest import start_app
from tests.bot.teams.signed_tokens import channel_token, trust_test_key

APP_ID = "6f1d2a4e-1b1e-4c5a-9d77-2f8f0c1a9b01"


@pytest.fixture
async def secured(engine, database_url, connector):  # type: ignore[no-untyped-def]
    trust_test_key()
    settings = Settings(
        DATABASE_URL=database_url, MICROSOFT_APP_ID=APP_ID, MICROSOFT_APP_PASSWORD="secret"
    )
    client = await start_app(settings, engine)
    yield client
    await client.close()
    JwtTokenExtractor.metadataCache.clear()


async def test_a_signed_token_without_exp_is_refused(secured, connector):
    activity = payloads.bot_added(connector.url)
    token = channel_token(app_id=APP_ID, service_url=activity["serviceUrl"], exp=None)
    response = await secured.post(
        "/api/messages", json=activity, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status == 401
    assert await response.json() == {"error": "Unauthorized: the token has no expiry (exp)"}
    assert connector.calls == []


async def test_a_signed_token_with_exp_passes_authentication(secured, connector):
    activity = payloads.bot_added(connector.url)
    token = channel_token(app_id=APP_ID, service_url=activity["serviceUrl"])
    response = await secured.post(
        "/api/messages", json=activity, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status != 401
