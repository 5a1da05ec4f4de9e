"""Slack tokens at rest: sealed after the OAuth install flow, rotated, and a wrong key is clear."""

from pathlib import Path

import pytest
from slack_sdk.oauth.installation_store import Installation
from sqlalchemy import inspect, text
from typer.testing import CliRunner

from bot.cli import app as cli
from bot.settings import load_settings
from bot.slack.installations import installation_stores
from rituals.messages import Reminder
from rituals.ports import ChannelAddress
from storage.db import get_engine, sqlite_path
from storage.secret_box import KeyRing, SecretKeyError, new_secret_key
from tests.bot.slack.oauth_harness import oauth_harness
from tests.bot.slack.test_oauth import install

pytest.importorskip("greenlet", reason="slack_sdk's SQLAlchemy installation store needs greenlet")

KEY = new_secret_key(key_id="k1")
NEXT_KEY = new_secret_key(key_id="k2")
SECRETS = ("xoxb-installed", "xoxp-user-secret", "xoxe-1-refresh-secret", "xoxe-1-user-refresh")
runner = CliRunner()


@pytest.fixture
async def sealed(database_url, engine, fake_slack):  # type: ignore[no-untyped-def]
    harness = await oauth_harness(
        database_url=database_url, engine=engine, fake=fake_slack, HAVEN_SECRET_KEY=KEY
    )
    yield harness
    await harness.settle()
    await harness.client.close()


def every_stored_text(engine) -> str:  # type: ignore[no-untyped-def]
    """Return every value of every column of every table, and the SQLite file's bytes."""
    dump = []
    with engine.connect() as connection:
        for table in inspect(engine).get_table_names():
            for row in connection.execute(text(f'SELECT * FROM "{table}"')):
                dump.extend(repr(value) for value in row)
    path = sqlite_path(str(engine.url))
    if path is not None:
        for file in (path, Path(f"{path}-wal")):
            if file.exists():
                dump.append(file.read_bytes().decode("latin-1"))
    return "\n".join(dump)


def stored_secrets(engine) -> list[str]:  # type: ignore[no-untyped-def]
    """Return every stored token column's value."""
    with engine.connect() as connection:
        return [
            value
            for query in (
                "SELECT bot_token, bot_refresh_token, user_token, user_refresh_token"
                " FROM slack_installations",
                "SELECT bot_token, bot_refresh_token FROM slack_bots",
            )
            for row in connection.execute(text(query))
            for value in row
            if value
        ]


async def save_user_and_refresh_tokens(engine, ring) -> None:  # type: ignore[no-untyped-def]
    store, _ = installation_stores(engine=engine, client_id="1111.2222", ring=ring)
    await store.async_save(
        Installation(
            app_id="AHAVEN",
            team_id="T0USER",
            user_id="UINSTALLER",
            bot_token="xoxb-installed",
            bot_refresh_token="xoxe-1-refresh-secret",
            bot_token_expires_in=43200,
            user_token="xoxp-user-secret",
            user_refresh_token="xoxe-1-user-refresh",
            user_token_expires_in=43200,
        )
    )


async def test_after_the_install_flow_no_token_is_stored_in_plaintext(sealed, engine):
    await install(sealed)
    await save_user_and_refresh_tokens(engine, KeyRing.parse(KEY))
    with engine.connect() as connection:
        (stored,) = connection.execute(
            text("SELECT bot_token FROM slack_bots WHERE team_id = 'T0OTHER'")
        ).one()
    assert stored.startswith("hv1:k1:")
    dump = every_stored_text(engine)
    for secret in SECRETS:
        assert secret not in dump
    notifier = sealed.notifiers.for_platform("slack")
    await notifier.post_to_channel(
        channel=ChannelAddress(platform="slack", workspace="T0OTHER", channel="C9"),
        message=Reminder(occurrence_id=1, ritual_kind="checkin", text="hi"),
    )
    assert sealed.fake.calls_to("chat.postMessage")[-1].token == "xoxb-installed"
    store, _ = installation_stores(engine=engine, client_id="1111.2222", ring=KeyRing.parse(KEY))
    found = await store.async_find_installation(
        enterprise_id=None, team_id="T0USER", user_id="UINSTALLER"
    )
    assert (found.user_token, found.user_refresh_token, found.bot_refresh_token) == (
        "xoxp-user-secret",
        "xoxe-1-user-refresh",
        "xoxe-1-refresh-secret",
    )


@pytest.fixture
def cli_env(database_url, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DATABASE_URL", database_url)
    load_settings.cache_clear()
    yield monkeypatch
    load_settings.cache_clear()
    get_engine.cache_clear()


async def test_rotation_reseals_every_secret_under_the_new_key(cli_env, engine):
    await save_user_and_refresh_tokens(engine, None)  # stored before encryption existed
    cli_env.setenv("HAVEN_SECRET_KEY", KEY)
    first = runner.invoke(cli, ["secrets", "rotate"])
    assert first.exit_code == 0, first.output
    assert "sealed 6 secrets under key 'k1'" in first.output
    cli_env.setenv("HAVEN_SECRET_KEY", f"{NEXT_KEY},{KEY}")
    load_settings.cache_clear()
    second = runner.invoke(cli, ["secrets", "rotate"])
    assert "sealed 6 secrets under key 'k2'" in second.output
    dump = every_stored_text(engine)
    assert "hv1:k1:" not in dump
    assert [(s.split(":")[1]) for s in stored_secrets(engine)] == ["k2"] * 6
    assert not any(secret in dump for secret in SECRETS)
    store, _ = installation_stores(
        engine=engine, client_id="1111.2222", ring=KeyRing.parse(NEXT_KEY)
    )
    bot = await store.async_find_bot(enterprise_id=None, team_id="T0USER")
    assert bot.bot_token == "xoxb-installed"
    third = runner.invoke(cli, ["secrets", "rotate"])
    assert "sealed 0 secrets" in third.output


async def test_a_wrong_key_is_one_clear_line_not_a_traceback(cli_env, engine):
    await save_user_and_refresh_tokens(engine, KeyRing.parse(KEY))
    cli_env.setenv("HAVEN_SECRET_KEY", new_secret_key(key_id="k1"))
    result = runner.invoke(cli, ["secrets", "rotate"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "Error: HAVEN_SECRET_KEY key 'k1' does not open a stored secret: wrong key?"
    ]
    assert "Traceback" not in result.output
    store, _ = installation_stores(
        engine=engine, client_id="1111.2222", ring=KeyRing.parse(NEXT_KEY)
    )
    with pytest.raises(SecretKeyError, match="sealed with key 'k1'"):
        await store.async_find_bot(enterprise_id=None, team_id="T0USER")


def test_a_weak_or_malformed_key_is_refused() -> None:
    with pytest.raises(SecretKeyError, match="weak"):
        KeyRing.parse("k1:c2hvcnQ=")
    with pytest.raises(SecretKeyError, match="'id:key'"):
        KeyRing.parse("just-a-password")
