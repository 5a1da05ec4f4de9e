"""HAVEN_ENV=production: `haven serve` refuses each unsafe setting with one line; `haven check` too."""

import pytest
from typer.testing import CliRunner

import bot.server
from bot.cli import app
from bot.settings import load_settings
from storage.db import get_engine
from storage.secret_box import new_secret_key

runner = CliRunner()
SAFE = {
    "HAVEN_ENV": "production",
    "HAVEN_SECRET_KEY": new_secret_key(key_id="k1"),
    "HAVEN_ALLOW_SQLITE": "1",
    "SLACK_BOT_TOKEN": "xoxb-1-2-3",
    "SLACK_SIGNING_SECRET": "8f742231b10e8888abcd99yyyzzz85a5",
}


@pytest.fixture
def production(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    """Set safe production settings on a fresh SQLite file and record whether serve started."""
    monkeypatch.chdir(tmp_path)
    for name, value in SAFE.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'prod.db'}")
    started: list[bool] = []
    monkeypatch.setattr(bot.server, "run_server", lambda **_: started.append(True))
    load_settings.cache_clear()
    yield monkeypatch, started
    load_settings.cache_clear()
    get_engine.cache_clear()


def test_safe_production_settings_start(production):
    _, started = production
    result = runner.invoke(app, ["serve"])
    assert result.exit_code == 0, result.output
    assert started == [True]


UNSAFE = [
    ({"HAVEN_SECRET_KEY": None}, "HAVEN_SECRET_KEY is not set"),
    ({"HAVEN_SECRET_KEY": "k1:c2hvcnQ="}, "HAVEN_SECRET_KEY key 'k1' is weak"),
    ({"HAVEN_ALLOW_SQLITE": None}, "DATABASE_URL is a SQLite file"),
    (
        {"SLACK_API_URL": "http://slack.example/api/"},
        "SLACK_API_URL is 'http://slack.example/api/', not https",
    ),
    ({"SLACK_SIGNING_SECRET": "x"}, "SLACK_SIGNING_SECRET has 1 characters, Slack's have 32"),
    (
        {"SLACK_SIGNING_SECRET": None},
        "SLACK_BOT_TOKEN or SLACK_CLIENT_ID is set without SLACK_SIGNING_SECRET",
    ),
    ({"SLACK_CLIENT_ID": "1.2"}, "SLACK_CLIENT_ID and SLACK_CLIENT_SECRET go together"),
    (
        {"MICROSOFT_APP_PASSWORD": "pw"},
        "MICROSOFT_APP_PASSWORD is set but MICROSOFT_APP_ID is empty",
    ),
    ({"HAVEN_TEAMS_DEV": "1"}, "HAVEN_TEAMS_DEV=1 turns Teams authentication off"),
]


@pytest.mark.parametrize(("change", "message"), UNSAFE)
def test_each_unsafe_setting_is_refused_with_one_line(production, change, message):
    monkeypatch, started = production
    for name, value in change.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    result = runner.invoke(app, ["serve"])
    assert result.exit_code == 1
    assert started == []
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("Error: refusing to start with HAVEN_ENV=production: ")
    assert message in lines[0]
    checked = runner.invoke(app, ["check"])
    assert checked.exit_code == 1
    assert any(line.startswith("FAIL") and message in line for line in checked.output.splitlines())


def test_plaintext_tokens_in_the_database_are_refused(production, tmp_path):
    from sqlalchemy import text

    from bot.slack.installation_tables import WideSecretsInstallationStore

    pytest.importorskip("greenlet")
    engine = get_engine(f"sqlite:///{tmp_path / 'prod.db'}")
    WideSecretsInstallationStore(client_id="1.2", engine=engine).create_tables()
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO slack_bots (client_id, app_id, team_id, bot_token, installed_at,"
                " is_enterprise_install) VALUES ('1.2', 'A', 'T1', 'xoxb-plain', '2026-01-01', 0)"
            )
        )
    result = runner.invoke(app, ["serve"])
    assert result.exit_code == 1
    assert "slack_bots.bot_token row 1 is stored unencrypted" in result.output
    assert "haven secrets rotate" in result.output


def test_several_unsafe_settings_are_named_on_one_line(production):
    monkeypatch, started = production
    monkeypatch.delenv("HAVEN_SECRET_KEY")
    monkeypatch.setenv("HAVEN_TEAMS_DEV", "1")
    result = runner.invoke(app, ["serve"])
    assert result.exit_code == 1 and started == []
    (line,) = result.output.strip().splitlines()
    assert "HAVEN_SECRET_KEY is not set" in line and "HAVEN_TEAMS_DEV=1" in line


def test_check_in_development_warns_and_starts_nothing(production):
    monkeypatch, started = production
    monkeypatch.setenv("HAVEN_ENV", "development")
    monkeypatch.setenv("HAVEN_TEAMS_DEV", "1")
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 0
    assert "warn  Teams development mode" in result.output
    assert "ok    secret key" in result.output
    assert started == []
