"""`haven digest` previews a team's digest as text, JSON or a chart; errors are one line."""

import json
from datetime import UTC, datetime

import pytest
import time_machine
from sqlmodel import Session
from typer.testing import CliRunner

from bot.cli import app
from bot.settings import load_settings
from storage.db import get_engine
from storage.migrate import upgrade
from tests.conftest import make_ritual, make_team
from tests.rituals.digest_helpers import checkins

runner = CliRunner()


@pytest.fixture
def configured_db(tmp_path, monkeypatch):
    """Point DATABASE_URL at a fresh SQLite file with a team that checked in for two weeks."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.chdir(tmp_path)
    load_settings.cache_clear()
    upgrade(url)
    with Session(get_engine(url)) as session:
        team = make_team(session, name="Platform")
        ritual = make_ritual(session, team, "checkin")
        checkins(session, team, ritual, "2026-W46", {"U1": 3, "U2": 4, "U3": 2}, invited=4)
        checkins(session, team, ritual, "2026-W47", {"U1": 4, "U2": 4, "U3": 4}, invited=4)
    yield url
    load_settings.cache_clear()
    get_engine.cache_clear()


def test_digest_prints_the_text_of_the_week_asked(configured_db):
    result = runner.invoke(app, ["digest", "--team", "platform", "--week", "2026-w47"])
    assert result.exit_code == 0, result.output
    assert "Weekly safety digest — Platform, 2026-W47" in result.output
    assert "Mood: 4.00/5 · +1.00 vs last week" in result.output
    assert "Next step" in result.output


@time_machine.travel(datetime(2026, 11, 24, 7, 0, tzinfo=UTC), tick=False)
def test_digest_defaults_to_the_week_that_just_ended(configured_db):
    result = runner.invoke(app, ["digest", "--team", "Platform", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["iso_week"] == "2026-W47" and data["mood"]["current"]["value"] == 4.0
    assert [point["weeks"] for point in data["mood"]["trend"]] == [["2026-W46"], ["2026-W47"]]


def test_digest_writes_the_chart(configured_db, tmp_path):
    chart = tmp_path / "trend.png"
    result = runner.invoke(
        app, ["digest", "--team", "Platform", "--week", "2026-W47", "--chart", str(chart)]
    )
    assert result.exit_code == 0, result.output
    assert chart.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert f"Chart written to {chart}." in result.output


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["digest", "--team", "Nobody"], "no team named 'Nobody'"),
        (["digest", "--team", "Platform", "--week", "2026-W99"], "is not an ISO week"),
    ],
)
def test_bad_input_is_one_clear_line_and_exit_code_1(configured_db, arguments, message):
    result = runner.invoke(app, arguments)
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


@time_machine.travel(datetime(2026, 11, 24, 7, 0, tzinfo=UTC), tick=False)
def test_the_demo_ends_with_the_digest_of_its_last_week(tmp_path):
    result = runner.invoke(app, ["demo", "--database", str(tmp_path / "demo.db")])
    assert result.exit_code == 0, result.output
    ending = result.output[result.output.index("the digest of 2026-W47") :]
    assert "Weekly safety digest — Demo team, 2026-W47" in ending
    assert "Next step" in ending and "Trend of Demo team" in ending
