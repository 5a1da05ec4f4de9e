"""The `haven` command through Typer's runner: demo, console, signals, rituals and errors."""

import json
from datetime import UTC, datetime

import pytest
import time_machine
from sqlmodel import Session, select
from typer.testing import CliRunner

from bot.cli import app
from bot.settings import load_settings
from rituals.signals import signals_for_weeks
from storage.db import get_engine
from storage.migrate import upgrade
from storage.models import Occurrence, Ritual, Team
from tests.conftest import make_ritual, make_team

runner = CliRunner()


@pytest.fixture
def configured_db(tmp_path, monkeypatch):
    """Point DATABASE_URL at a fresh SQLite file for the command under test."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.chdir(tmp_path)
    load_settings.cache_clear()
    yield url
    load_settings.cache_clear()
    get_engine.cache_clear()


@time_machine.travel(datetime(2026, 11, 24, 7, 0, tzinfo=UTC), tick=False)
def test_demo_runs_every_ritual_for_eight_weeks_and_prints_the_signals(tmp_path):
    database = tmp_path / "demo.db"
    result = runner.invoke(app, ["demo", "--database", str(database)])
    assert result.exit_code == 0, result.output
    weeks = [f"2026-W{n}" for n in range(40, 48)]
    assert all(week in result.output for week in weeks)
    assert "weekly safety signals" in result.output
    engine = get_engine(f"sqlite:///{database}")
    with Session(engine) as session:
        kinds = {r.kind for r in session.exec(select(Ritual)).all()}
        occurrences = session.exec(select(Occurrence)).all()
        team = session.exec(select(Team)).one()
        rows = signals_for_weeks(session=session, team=team, last_week="2026-W47", weeks=8)
    assert kinds == {"checkin", "failure_celebration", "anonymous_feedback", "safety_pulse"}
    assert {o.status for o in occurrences} == {"closed"}
    assert (
        len(occurrences) == 8 * 3 + 2
    )  # weekly check-in, pulse, failure thread; two monthly questions
    moods = [row.mean_mood for row in rows if row.mean_mood is not None]
    assert len(moods) >= 6 and moods[-1] > moods[0]  # a visible upward trend
    safety = [row.safety_index for row in rows if row.safety_index is not None]
    assert len(safety) >= 3 and safety[-1] > safety[0]


def test_console_lets_you_answer_every_ritual(tmp_path):
    answers = (
        "\n".join(["9", "4", "focused", "5", "2", "I broke the build", "n", "More time to think"])
        + "\n"
    )
    result = runner.invoke(app, ["console", "--database", str(tmp_path / "c.db")], input=answers)
    assert result.exit_code == 0, result.output
    assert "Please type a whole number from 1 to 5." in result.output
    assert "You: 4/5 — “focused”" in result.output
    assert "Stored without your name" in result.output
    assert "this week" in result.output


def test_signals_prints_json_with_withheld_reasons(configured_db):
    upgrade(configured_db)
    with Session(get_engine(configured_db)) as session:
        make_team(session, name="Platform")
    result = runner.invoke(
        app, ["signals", "--team", "platform", "--weeks", "2", "--week", "2026-W47", "--json"]
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [row["iso_week"] for row in rows] == ["2026-W46", "2026-W47"]
    assert rows[0]["team"] == "Platform"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["signals", "--team", "Nobody"], "no team named 'Nobody'"),
        (["signals", "--team", "Platform", "--week", "2026-W99"], "is not an ISO week"),
        (["rituals", "run", "Platform", "nothing"], "has no ritual 'nothing'"),
        (["rituals", "run", "Nobody", "checkin"], "no team named 'Nobody'"),
    ],
)
def test_bad_input_is_one_clear_line_and_a_non_zero_exit(configured_db, arguments, message):
    upgrade(configured_db)
    with Session(get_engine(configured_db)) as session:
        make_team(session, name="Platform")
    result = runner.invoke(app, arguments)
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_rituals_list_and_run_now_open_one_occurrence(configured_db):
    upgrade(configured_db)
    with Session(get_engine(configured_db)) as session:
        team = make_team(session, name="Platform")
        make_ritual(session, team, "checkin")
        team.members_from_channel = False
        session.add(team)
        session.commit()
    listing = runner.invoke(app, ["rituals", "list"])
    assert listing.exit_code == 0 and "Platform" in listing.output and "checkin" in listing.output
    with time_machine.travel(datetime(2026, 11, 24, 9, 0, tzinfo=UTC), tick=False):
        first = runner.invoke(app, ["rituals", "run", "Platform", "checkin"])
        second = runner.invoke(app, ["rituals", "run", "Platform", "checkin"])
    assert first.exit_code == 0 and "Opened 'checkin' for Platform" in first.output
    assert "Check-in:" in first.output  # the console platform printed the prompt
    assert "nothing sent again" in second.output
    with Session(get_engine(configured_db)) as session:
        assert len(session.exec(select(Occurrence)).all()) == 1


def test_rituals_run_on_a_platform_that_is_off_explains_itself(configured_db):
    upgrade(configured_db)
    with Session(get_engine(configured_db)) as session:
        team = make_team(session, name="Platform")
        make_ritual(session, team, "checkin")
        workspace = team.workspace_id
        from storage.models import Workspace

        session.get(Workspace, workspace).platform = "slack"
        session.commit()
    result = runner.invoke(app, ["rituals", "run", "Platform", "checkin"])
    assert result.exit_code == 1
    assert "slack is not configured" in result.output


def test_db_upgrade_reports_success(configured_db):
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 0 and "up to date" in result.output


def test_the_sentiment_analyser_setting_reaches_the_core(configured_db, monkeypatch):
    from rituals import sentiment

    monkeypatch.setenv("HAVEN_SENTIMENT_ANALYSER", "vader")
    load_settings.cache_clear()
    try:
        assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
        assert sentiment.get_default_analyser() == "vader"
    finally:
        sentiment.set_default_analyser("combined")


def test_a_bad_setting_is_one_clear_line(configured_db, monkeypatch):
    monkeypatch.setenv("HAVEN_SENTIMENT_ANALYSER", "magic")
    load_settings.cache_clear()
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 1
    assert "invalid setting: HAVEN_SENTIMENT_ANALYSER" in result.output
    assert "Traceback" not in result.output
