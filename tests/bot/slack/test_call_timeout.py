"""Every Slack Web API call has a timeout: a Slack that accepts and never answers fails the call."""

import time

import pytest

import bot.slack.web
from bot.slack.web import SlackClients, plain_client
from tests.bot.slack.fake_slack import TEAM, FakeSlack


@pytest.fixture
async def silent_slack():
    """A fake Slack that accepts every call and never answers."""
    fake = await FakeSlack(stall_seconds=3600).start()
    yield fake
    await fake.close()


async def test_a_call_to_a_silent_slack_fails_after_the_call_timeout(silent_slack, monkeypatch):
    monkeypatch.setattr(bot.slack.web, "CALL_TIMEOUT_SECONDS", 1, raising=False)
    clients = SlackClients(api_url=silent_slack.url, token="xoxb-test")
    client = await clients.for_workspace(TEAM)
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        await client.chat_postMessage(channel="C0SILENT", text="hello")
    assert time.monotonic() - started < 3  # slack_sdk's own default would wait 30 s
    assert [call.method for call in silent_slack.calls] == ["chat.postMessage"]


async def test_bolts_client_has_the_same_timeout(silent_slack, monkeypatch):
    monkeypatch.setattr(bot.slack.web, "CALL_TIMEOUT_SECONDS", 1, raising=False)
    client = plain_client(api_url=silent_slack.url, token="xoxb-test")
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        await client.auth_test()
    assert time.monotonic() - started < 3


async def test_the_shared_session_of_a_server_has_the_call_timeout_too(silent_slack, monkeypatch):
    monkeypatch.setattr(bot.slack.web, "CALL_TIMEOUT_SECONDS", 1, raising=False)
    clients = SlackClients(api_url=silent_slack.url, token="xoxb-test")
    session = bot.slack.web.web_session()
    clients.use_session(session)
    try:
        client = await clients.for_workspace(TEAM)
        started = time.monotonic()
        with pytest.raises(TimeoutError):
            await client.chat_postMessage(channel="C0SILENT", text="hello")
        assert time.monotonic() - started < 3  # aiohttp's own default would wait 300 s
    finally:
        await session.close()
