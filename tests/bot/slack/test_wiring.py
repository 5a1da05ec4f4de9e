"""How Slack is switched on: the notifier for the CLI, the routes, and the event memory."""

from datetime import UTC, datetime

import time_machine

from bot.runner import build_notifiers
from bot.slack.commands import parse
from bot.slack.middleware import remember_event
from bot.slack.notifier import SlackNotifier
from tests.bot.slack.conftest import slack_settings


def test_build_notifiers_adds_slack_when_its_settings_are_present(database_url, fake_slack):
    notifiers = build_notifiers(settings=slack_settings(database_url, fake_slack))
    assert isinstance(notifiers.for_platform("slack"), SlackNotifier)
    assert notifiers.platforms == ["console", "slack"]


async def test_the_server_serves_the_events_endpoint_and_says_slack_is_on(slack):
    health = await (await slack.client.get("/healthz")).json()
    assert "slack" in health["platforms"]
    assert (await slack.client.get("/slack/install")).status in (
        404,
        405,
    )  # one workspace: no OAuth


def test_event_ids_are_remembered_for_a_day(engine):
    with time_machine.travel(datetime(2026, 11, 23, 9, tzinfo=UTC), tick=False):
        assert remember_event(engine=engine, event_id="Ev1") is True
        assert remember_event(engine=engine, event_id="Ev1") is False
    with time_machine.travel(datetime(2026, 11, 25, 9, tzinfo=UTC), tick=False):
        assert remember_event(engine=engine, event_id="Ev2") is True  # prunes Ev1
        assert remember_event(engine=engine, event_id="Ev1") is True


def test_command_text_is_parsed_with_mentions_and_admin_needs():
    assert parse("").verb == "help" and parse("dance").verb == "help"
    assert parse("rituals").needs_admin is False and parse("rituals list").needs_admin is False
    assert parse("rituals pause 3").needs_admin is True and parse("setup").needs_admin is True
    leaders = parse("leaders <@U0ANA|ana> <@W0BEN>")
    assert leaders.users == ("U0ANA", "W0BEN") and leaders.needs_admin is True
    assert parse("leaders").needs_admin is False and parse("status").needs_admin is False
