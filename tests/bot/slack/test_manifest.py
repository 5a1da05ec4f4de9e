"""manifest.yml: valid against Slack's manifest schema, and asking only for what Haven uses."""

from pathlib import Path

import pytest
import yaml

from bot.slack.bolt_app import BOT_EVENTS, BOT_SCOPES
from tests.specs import spec_schema

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def manifest() -> dict:  # type: ignore[type-arg]
    return yaml.safe_load((ROOT / "manifest.yml").read_text(encoding="utf-8"))


def test_the_manifest_is_valid_against_the_schema(manifest):
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.Draft7Validator(spec_schema("slack-app-manifest.schema.json")).validate(manifest)


def test_scopes_and_events_are_exactly_those_the_app_uses(manifest):
    assert sorted(manifest["oauth_config"]["scopes"]["bot"]) == sorted(BOT_SCOPES)
    assert sorted(manifest["settings"]["event_subscriptions"]["bot_events"]) == sorted(BOT_EVENTS)
    assert "user" not in manifest["oauth_config"]["scopes"]


def test_the_command_interactivity_and_home_tab_are_declared(manifest):
    (command,) = manifest["features"]["slash_commands"]
    assert command["command"] == "/haven" and command["should_escape"] is True
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    urls = {
        command["url"],
        manifest["settings"]["interactivity"]["request_url"],
        manifest["settings"]["event_subscriptions"]["request_url"],
    }
    assert urls == {"https://haven.example.com/slack/events"}
    assert manifest["oauth_config"]["redirect_urls"] == [
        "https://haven.example.com/slack/oauth_redirect"
    ]
