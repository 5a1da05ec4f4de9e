"""Haven as a distributed Slack app (OAuth install into the database), served against the fake."""

from sqlalchemy.engine import Engine

from bot.server import create_app
from bot.settings import Settings
from tests.bot.slack.conftest import SECRET, SlackHarness, serve
from tests.bot.slack.fake_slack import FakeSlack


async def oauth_harness(
    *, database_url: str, engine: Engine, fake: FakeSlack, **extra: object
) -> SlackHarness:
    """Serve the multi-workspace app with these extra settings; close its client when done."""
    settings = Settings(
        DATABASE_URL=database_url,
        SLACK_CLIENT_ID="1111.2222",
        SLACK_CLIENT_SECRET="client-secret",
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=fake.url,
        **extra,  # type: ignore[arg-type]
    )
    app = create_app(settings=settings, engine=engine, schedule=False)
    return SlackHarness(client=await serve(app), fake=fake, app=app, engine=engine)
