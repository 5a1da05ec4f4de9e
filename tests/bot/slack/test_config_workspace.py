"""A team applied from YAML without `workspace:` works in the workspace of SLACK_BOT_TOKEN."""

import asyncio

from sqlmodel import Session, select
from typer.testing import CliRunner

from bot.cli import app
from bot.server import create_app
from bot.settings import load_settings
from rituals.team_config import apply_config, parse_config
from storage.db import get_engine, session_scope
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
    haven = create_app(
        settings=slack_settings(database_url, fake_slack), engine=engine, schedule=False
    )
    client = await serve(haven)  # starting the app asks Slack which workspace the token is in
    slack = SlackHarness(client=client, fake=fake_slack, app=haven, engine=engine)
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


async def test_config_apply_with_a_bot_token_binds_the_team_to_the_token_s_workspace(
    tmp_path, monkeypatch, fake_slack
):
    url = f"sqlite:///{tmp_path / 'haven.db'}"
    path = tmp_path / "teams.yml"
    path.write_text(CONFIG, encoding="utf-8")
    for name, value in {
        "DATABASE_URL": url,
        "SLACK_BOT_TOKEN": "xoxb-test-token",
        "SLACK_SIGNING_SECRET": "secret",
        "SLACK_API_URL": fake_slack.url,
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("SLACK_CLIENT_ID", raising=False)
    load_settings.cache_clear()
    try:
        # the command is synchronous and calls the fake, which runs on this loop: another thread
        result = await asyncio.to_thread(CliRunner().invoke, app, ["config", "apply", str(path)])
    finally:
        load_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert result.stderr == ""  # bound at once: no warning about a missing workspace
    with Session(get_engine(url)) as session:
        workspace = session.exec(select(Workspace)).one()
    get_engine(url).dispose()
    assert (workspace.platform, workspace.external_id) == ("slack", TEAM)
