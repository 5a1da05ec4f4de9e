"""Multi-workspace: install through OAuth into the same database, per-workspace tokens, uninstall."""

import re

import pytest
from sqlalchemy import text

from bot.server import create_app
from bot.settings import Settings
from rituals.errors import PlatformUnavailable
from rituals.messages import Reminder
from rituals.ports import ChannelAddress
from tests.bot.slack.conftest import SECRET, SlackHarness, serve

pytest.importorskip(
    "greenlet",
    reason="slack_sdk's SQLAlchemy installation store needs greenlet: install sqlalchemy[asyncio]",
)


@pytest.fixture
async def distributed(database_url, engine, fake_slack):  # type: ignore[no-untyped-def]
    settings = Settings(
        DATABASE_URL=database_url,
        SLACK_CLIENT_ID="1111.2222",
        SLACK_CLIENT_SECRET="client-secret",
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=fake_slack.url,
    )
    app = create_app(settings=settings, engine=engine, schedule=False)
    client = await serve(app)
    harness = SlackHarness(client=client, fake=fake_slack, app=app, engine=engine)
    yield harness
    await harness.settle()
    await client.close()


async def install(slack) -> None:  # type: ignore[no-untyped-def]
    page = await slack.client.get("/slack/install")
    assert page.status == 200
    html = await page.text()
    link = re.search(r'href="(https://slack.com/oauth/v2/authorize\?[^"]+)"', html).group(1)
    assert "client_id=1111.2222" in link and "chat%3Awrite" in link.replace(":", "%3A")
    state = re.search(r"state=([^&\"]+)", link).group(1)
    cookie = page.cookies[
        "slack-app-oauth-state"
    ].value  # Secure: a browser sends it back over https
    done = await slack.client.get(
        f"/slack/oauth_redirect?code=the-code&state={state}",
        headers={"Cookie": f"slack-app-oauth-state={cookie}"},
    )
    assert done.status == 200, await done.text()


async def test_install_stores_the_workspace_token_in_the_database(distributed, engine):
    await install(distributed)
    (access,) = distributed.fake.calls_to("oauth.v2.access")
    assert access.args["code"] == "the-code"
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT team_id, bot_token FROM slack_bots")).all()
    assert [tuple(r) for r in rows] == [("T0OTHER", "xoxb-installed")]
    notifier = distributed.notifiers.for_platform("slack")
    await notifier.post_to_channel(
        channel=ChannelAddress(platform="slack", workspace="T0OTHER", channel="C9"),
        message=Reminder(occurrence_id=1, ritual_kind="checkin", text="hi"),
    )
    assert distributed.fake.calls_to("chat.postMessage")[-1].token == "xoxb-installed"


async def test_a_redirect_without_a_valid_state_installs_nothing(distributed, engine):
    response = await distributed.client.get("/slack/oauth_redirect?code=x&state=forged")
    assert response.status in (400, 401, 403) or "error" in (await response.text()).lower()
    assert distributed.fake.calls_to("oauth.v2.access") == []


async def test_requests_from_the_installed_workspace_use_its_token(distributed):
    await install(distributed)
    response = await distributed.command(user="U0ANA", text="help", team="T0OTHER")
    assert "/haven setup" in await response.text()


async def test_uninstalling_forgets_the_tokens(distributed, engine):
    await install(distributed)
    await distributed.event(
        {"type": "app_uninstalled", "event_ts": "1767000500.000100"}, team="T0OTHER"
    )
    await distributed.settle()
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM slack_bots")).scalar() == 0
        assert connection.execute(text("SELECT count(*) FROM slack_installations")).scalar() == 0
    with pytest.raises(PlatformUnavailable):
        await distributed.notifiers.for_platform("slack").clients.for_workspace("T0OTHER")


async def test_a_revoked_bot_token_is_forgotten(distributed, engine):
    await install(distributed)
    await distributed.event(
        {
            "type": "tokens_revoked",
            "tokens": {"oauth": ["UINSTALLER"], "bot": ["UHAVENBOT"]},
            "event_ts": "1.2",
        },
        team="T0OTHER",
    )
    await distributed.settle()
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM slack_bots")).scalar() == 0
