"""A restart of Haven while an anonymous round is open still blocks a second answer from one person."""

import asyncio
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

from aiohttp import ClientSession
from sqlalchemy import create_engine
from sqlmodel import Session

from bot.server import create_app
from rituals import anonymity
from storage.db import normalize_url
from storage.migrate import upgrade
from tests.bot.slack.conftest import (
    SECRET,
    SlackHarness,
    make_slack_ritual,
    make_slack_team,
    serve,
    slack_settings,
)
from tests.bot.slack.test_feedback import answer, rows


async def test_a_restart_while_the_round_is_open_still_blocks_a_second_answer(
    database_url, engine, fake_slack, session
):
    config = slack_settings(database_url, fake_slack)  # no HAVEN_SECRET_KEY: the file
    first = create_app(settings=config, engine=engine, schedule=False)
    client = await serve(first)
    before = SlackHarness(client=client, fake=fake_slack, app=first, engine=engine)
    ritual = make_slack_ritual(session, make_slack_team(session), "anonymous_feedback")
    occurrence = await before.open(ritual.id)
    response = await answer(before, occurrence, "U0ANA", "Our planning hides the real risks.")
    assert (await response.json())["response_action"] == "update"
    await before.settle()
    await client.close()

    anonymity.install_guard_secret(None)  # a new process knows nothing until it starts
    fresh_engine = create_engine(normalize_url(database_url))
    second = create_app(settings=config, engine=fresh_engine, schedule=False)
    client = await serve(second)
    after = SlackHarness(client=client, fake=fake_slack, app=second, engine=fresh_engine)
    try:
        again = await answer(after, occurrence, "U0ANA", "A second go after the restart")
        assert (await again.json())["response_action"] == "errors"
        other = await answer(after, occurrence, "U0BEN", "Someone else may still answer.")
        assert (await other.json())["response_action"] == "update"
        assert len(rows(fresh_engine)) == 2
    finally:
        await after.settle()
        await client.close()
        fresh_engine.dispose()


HAVEN = Path(sys.executable).with_name("haven")


def free_port() -> int:
    """Return a loopback port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def start_haven(*, port: int, environment: dict[str, str]) -> subprocess.Popen:
    """Start `haven serve` and wait until /healthz answers."""
    process = subprocess.Popen(
        [str(HAVEN), "serve", "--port", str(port)],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    async with ClientSession() as client:
        for _ in range(300):
            if process.poll() is not None:
                raise AssertionError(process.stderr.read().decode() if process.stderr else "")
            try:
                async with client.get(f"http://127.0.0.1:{port}/healthz") as response:
                    if response.status == 200:
                        return process
            except OSError:
                pass
            await asyncio.sleep(0.1)
    process.terminate()
    raise AssertionError("haven serve did not answer /healthz within 30 s")


def stop_haven(process: subprocess.Popen) -> None:
    """Stop the server as an operator would, and wait for it."""
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


async def test_haven_serve_restarted_mid_round_refuses_a_second_answer(tmp_path, fake_slack):
    url = f"sqlite:///{tmp_path / 'haven.db'}"
    upgrade(url)
    config = slack_settings(url, fake_slack)
    engine = create_engine(url)
    in_test = create_app(settings=config, engine=engine, schedule=False)  # its notifiers open
    with Session(engine, expire_on_commit=False) as session:
        ritual = make_slack_ritual(session, make_slack_team(session), "anonymous_feedback")
        ritual.schedule = "0 10 1 1 *"  # not due: the server's own scheduler leaves it to the test
        session.add(ritual)
        session.commit()
    port = free_port()
    environment = {
        **os.environ,  # XDG_CONFIG_HOME points at the test's folder: the generated secret goes there
        "DATABASE_URL": url,
        "SLACK_BOT_TOKEN": "xoxb-test-token",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": fake_slack.url,
        "HAVEN_SECRET_KEY": "",
    }
    process = await start_haven(port=port, environment=environment)
    async with ClientSession(base_url=f"http://127.0.0.1:{port}") as client:
        haven = SlackHarness(client=client, fake=fake_slack, app=in_test, engine=engine)  # type: ignore[arg-type]
        try:
            occurrence = await haven.open(ritual.id)
            first = await answer(haven, occurrence, "U0ANA", "Reviews feel like trials.")
            assert (await first.json())["response_action"] == "update"
            stop_haven(process)
            process = await start_haven(port=port, environment=environment)
            again = await answer(haven, occurrence, "U0ANA", "Once more after the restart")
            assert (await again.json())["response_action"] == "errors"
            assert len(rows(engine)) == 1
        finally:
            stop_haven(process)
            engine.dispose()
