"""A team applied from YAML without `workspace:` works in the workspace of SLACK_BOT_TOKEN."""

from sqlmodel import Session, select

from bot.server import create_app
from rituals.team_config import apply_config, parse_config
from storage.db import session_scope
from storage.models import Ritual, Team, Workspace
from tests.bot.slack.conftest import CHANNEL, SlackHarness, serve, slack_settings
from tests.bot.slack.fake_slack import TEAM
from tests.bot.slack.test_checkin import answers

CONFIG = f"""\
teams:
  - name: Platform
    platform: slack
    channel: {CHANNEL}
    leaders: [U0LEA]
    members: [U0ANA, U0BEN, U0CAI, U0DEV]
    anonymity_threshold: 3
    rituals:
      - {{kind: checkin, schedule: "55 9 * * mon", mode: private}}
"""


async def test_a_click_from_the_real_workspace_is_recorded_for_a_config_team(
    database_url, engine, fake_slack
):
    with session_scope(engine) as session:
        apply_config(session=session, config=parse_config(CONFIG, source="teams.yml"))
    app = create_app(
        settings=slack_settings(database_url, fake_slack), engine=engine, schedule=False
    )
    client = await serve(app)  # starting the app asks Slack which workspace the token is in
    slack = SlackHarness(client=client, fake=fake_slack, app=app, engine=engine)
    try:
        with Session(engine) as session:
            ritual = session.exec(select(Ritual)).one()
            workspace = session.exec(
                select(Workspace).join(Team, Team.workspace_id == Workspace.id)
            ).one()
        assert (workspace.platform, workspace.external_id) == ("slack", TEAM)
        occurrence = await slack.open(ritual.id)
        response = await slack.action(
            user="U0ANA", action_id="haven_checkin_mood_4", value=f"{occurrence.id}:4"
        )
        assert response.status == 200
        await slack.settle()
        assert answers(engine, occurrence.id) == {"U0ANA": (4, None)}
        (ephemeral,) = fake_slack.calls_to("chat.postEphemeral")
        assert "not part of this workspace" not in ephemeral.args["text"]
        assert len(fake_slack.calls_to("auth.test")) >= 1
    finally:
        await slack.settle()
        await client.close()
