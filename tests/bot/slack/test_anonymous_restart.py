"""A restart of Haven while an anonymous round is open still blocks a second answer from one person."""

from sqlalchemy import create_engine

from bot.server import create_app
from rituals import anonymity
from storage.db import normalize_url
from tests.bot.slack.conftest import (
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
