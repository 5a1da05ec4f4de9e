"""How Slack is switched on: the notifier for the CLI, the routes, and the event memory."""

from datetime import UTC, datetime

import time_machine

from bot.runner import build_notifiers
from bot.slack.commands import parse
from bot.slack.middleware import remember_event
from bot.slack.notifier import SlackNotifier
from tests.bot.slack.conftest import make_slack_ritual, make_slack_team, slack_settings


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


async def test_web_api_calls_reuse_one_kept_alive_connection(slack, session):
    ritual = make_slack_ritual(session, make_slack_team(session), "checkin", mode="private")
    occurrence = await slack.open(ritual.id)
    for user, mood in (("U0ANA", 4), ("U0BEN", 3), ("U0ANA", 2)):
        await slack.action(
            user=user, action_id=f"haven_checkin_mood_{mood}", value=f"{occurrence.id}:{mood}"
        )
        await slack.settle()
    ephemerals = slack.fake.calls_to("chat.postEphemeral")
    assert len(ephemerals) == 3
    assert len({call.connection for call in ephemerals}) == 1
