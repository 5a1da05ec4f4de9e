"""Adaptive Card rendering: every core message renders, actions carry the Haven action and ids."""

import sys
from dataclasses import dataclass

import pytest

from bot.teams.cards import register_digest, render
from tests.message_samples import EVERY_MESSAGE


def actions_of(card: dict) -> list[dict]:
    """Return every Action.Execute in a card, nested ones included."""
    found: list[dict] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if node.get("type") == "Action.Execute":
                found.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(card)
    return found


@pytest.mark.parametrize("message", EVERY_MESSAGE, ids=lambda m: type(m).__name__)
def test_every_core_message_renders_as_an_adaptive_card(message):
    card = render(message)
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.5" and card["body"]
    for action in actions_of(card):
        assert action["data"]["haven"] == action["verb"]


def test_closing_times_are_shown_in_each_reader_s_time_zone():
    card = render(EVERY_MESSAGE[0])
    assert "{{DATE(2026-11-23T13:55:00Z, SHORT)}} {{TIME(2026-11-23T13:55:00Z)}}" in str(card)


def test_the_feedback_batch_carries_item_keys_and_never_an_author():
    [reply] = actions_of(render(EVERY_MESSAGE[8]))
    assert reply["data"] == {"haven": "relay_reply", "item_key": "k1"}


def test_an_unknown_message_type_fails_loudly():
    with pytest.raises(TypeError, match="Teams cannot render"):
        render(object())


def test_without_the_digest_card_a_digest_renders_plainly_with_its_chart(monkeypatch):
    monkeypatch.setitem(sys.modules, "bot.teams.digest_card", None)  # as if not written yet

    @dataclass(frozen=True)
    class DigestMessage:
        document: object
        chart_png: bytes | None
        chart_alt_text: str

    register_digest(DigestMessage)
    card = render(
        DigestMessage(document={}, chart_png=b"\x89PNG fake", chart_alt_text="Mood rose.")
    )

    image = next(b for b in card["body"] if b["type"] == "Image")
    assert image["url"].startswith("data:image/png;base64,") and image["altText"] == "Mood rose."
