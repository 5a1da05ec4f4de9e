"""The ways to get a sign-in link: `/haven dashboard`, the digest's button, `haven dashboard-link`."""

import re

from sqlmodel import Session, select
from typer.testing import CliRunner

from bot.cli import app as cli
from bot.settings import load_settings
from storage.models import Member
from tests.bot.web.conftest import DASHBOARD_KEY, Dashboard, link_path

LINK = re.compile(r"<(?:https?://[^/>]+)?(/app/sign-in\?token=[^|>]+)\|")


async def test_slash_command_gives_a_one_time_link(dashboard: Dashboard) -> None:
    response = await dashboard.slack.command(user="U0LEA", text="dashboard")
    body = await response.json()
    assert body.get("response_type", "ephemeral") == "ephemeral"
    path = link_path(body["text"])
    assert (await dashboard.client.get(path, allow_redirects=False)).status == 303
    page = await (await dashboard.client.get(f"/app/teams/{dashboard.teams.platform}")).text()
    assert "Last closed week" in page


async def test_the_digests_button_answers_with_a_link_only_for_the_clicker(
    dashboard: Dashboard,
) -> None:
    answer = await dashboard.open_from_digest("U0LEA")
    assert answer["response_type"] == "ephemeral"
    assert answer["replace_original"] is False  # the digest stays as it was
    path = link_path(answer["text"])
    assert (await dashboard.client.get(path, allow_redirects=False)).status == 303


async def test_the_cli_prints_a_link_for_a_member(
    dashboard: Dashboard, database_url: str, monkeypatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("HAVEN_DASHBOARD_KEY", DASHBOARD_KEY)
    monkeypatch.setenv("HAVEN_PUBLIC_URL", "https://haven.example.org")
    load_settings.cache_clear()
    with Session(dashboard.engine) as session:
        lea = session.exec(
            select(Member).where(
                Member.platform_user_id == "U0LEA", Member.team_id == dashboard.teams.platform
            )
        ).one()
    try:
        printed = CliRunner().invoke(cli, ["dashboard-link", "--member", str(lea.id)])
        missing = CliRunner().invoke(cli, ["dashboard-link", "--member", "99999"])
        monkeypatch.setenv("HAVEN_DASHBOARD_KEY", "")
        load_settings.cache_clear()
        keyless = CliRunner().invoke(cli, ["dashboard-link", "--member", str(lea.id)])
    finally:
        load_settings.cache_clear()
    assert printed.exit_code == 0, printed.output
    assert printed.stdout.startswith("https://haven.example.org/app/sign-in?token=")
    path = printed.stdout.strip().removeprefix("https://haven.example.org")
    assert (await dashboard.client.get(path, allow_redirects=False)).status == 303
    assert missing.exit_code == 1 and "no member with id 99999" in missing.output
    assert keyless.exit_code == 1 and "HAVEN_DASHBOARD_KEY" in keyless.output
