"""The guard secret: from HAVEN_SECRET_KEY or a private file, installed at every start, kept across restarts."""

import stat

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.guard_secret import guard_secret, secret_key_file
from bot.settings import Settings, load_settings
from rituals import anonymity
from storage.db import get_engine

SECRET = "a-shared-production-secret-of-forty-characters"
runner = CliRunner()


def settings(**values: str) -> Settings:
    """Return settings from the given environment names only."""
    return Settings(**{"DATABASE_URL": "", **values})  # type: ignore[arg-type]


def test_the_secret_key_gives_a_sub_key_not_the_key_itself():
    derived = guard_secret(settings(HAVEN_SECRET_KEY=SECRET))
    assert derived == guard_secret(settings(HAVEN_SECRET_KEY=SECRET))
    assert derived != guard_secret(settings(HAVEN_SECRET_KEY=SECRET + "!"))
    assert SECRET.encode() not in derived and len(derived) == 32
    assert not secret_key_file().exists()  # nothing written when the environment has the secret


def test_without_the_secret_key_one_is_generated_once_into_a_private_file():
    first = guard_secret(settings())
    path = secret_key_file()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert guard_secret(settings()) == first  # a restart reads the same secret back


def test_refuses_a_missing_short_or_exposed_secret(tmp_path):
    with pytest.raises(ValueError, match="required in production"):
        guard_secret(settings(HAVEN_ENV="production"))
    with pytest.raises(ValueError, match="at least 32 characters"):
        guard_secret(settings(HAVEN_SECRET_KEY="short"))
    guard_secret(settings())
    secret_key_file().chmod(0o644)
    with pytest.raises(ValueError, match="chmod 600"):
        guard_secret(settings())
    beside = f"sqlite:///{secret_key_file().parent / 'haven.db'}"
    with pytest.raises(ValueError, match="beside the database"):
        guard_secret(settings(DATABASE_URL=beside))


def test_every_cli_command_installs_the_secret_or_says_why_not(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("HAVEN_SECRET_KEY", SECRET)
    load_settings.cache_clear()
    anonymity.install_guard_secret(None)
    try:
        result = runner.invoke(app, ["rituals", "list"])
        assert result.exit_code == 0, result.output
        assert anonymity._guard_secret == guard_secret(settings(HAVEN_SECRET_KEY=SECRET))
        monkeypatch.setenv("HAVEN_SECRET_KEY", "")
        monkeypatch.setenv("HAVEN_ENV", "production")
        load_settings.cache_clear()
        refused = runner.invoke(app, ["rituals", "list"])
        assert refused.exit_code == 1
        assert "Error: HAVEN_SECRET_KEY is required in production" in refused.output
        assert "Traceback" not in refused.output
    finally:
        load_settings.cache_clear()
        get_engine.cache_clear()
