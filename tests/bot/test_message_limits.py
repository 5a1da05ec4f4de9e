"""Every message fits its platform: Teams activities under 28 KB, Reply only where replies are allowed."""

import json

from botbuilder.schema import Activity

from bot.slack.render import render as slack_render
from bot.teams.cards import MAX_CARD_BYTES, batch_cards, size_of
from bot.teams.notifier import activity_of
from rituals.messages import FeedbackBatch

TEAMS_LIMIT = 28 * 1024
LONG = ("Deadlines are tight & we never say so. " * 60)[:2000]
EMOJI = "😀" * 2000
RTL = ("שלום לכולם، مرحبا بالجميع " * 80)[:2000]


def batch(count: int, text: str, *, replyable_every: int = 2) -> FeedbackBatch:
    items = tuple((f"{n:032x}", f"{n}: {text}"[:2000]) for n in range(count))
    return FeedbackBatch(
        occurrence_id=1,
        question="What makes it hard to speak up?",
        items=items,
        replyable=frozenset(key for n, (key, _) in enumerate(items) if n % replyable_every == 0),
    )


def activity_bytes(card: dict) -> int:  # type: ignore[type-arg]
    serialized = Activity.serialize(activity_of(card, preview="Anonymous answers for your team"))
    return len(json.dumps(serialized).encode())


def texts_of(card: object) -> list[str]:
    found: list[str] = []
    if isinstance(card, dict):
        if card.get("type") == "TextRun":
            found.append(card["text"])
        for value in card.values():
            found += texts_of(value)
    elif isinstance(card, list):
        for value in card:
            found += texts_of(value)
    return found


def reply_keys(card: object) -> list[str]:
    keys: list[str] = []
    if isinstance(card, dict):
        data = card.get("data")
        if isinstance(data, dict) and data.get("haven") == "relay_reply":
            keys.append(data["item_key"])
        for value in card.values():
            keys += reply_keys(value)
    elif isinstance(card, list):
        for value in card:
            keys += reply_keys(value)
    return keys


def test_a_large_teams_batch_is_split_into_activities_teams_accepts_with_every_answer_once():
    for message in (batch(12, LONG), batch(200, LONG), batch(30, EMOJI), batch(30, RTL)):
        cards = batch_cards(message)
        several = [card for card in cards if len(texts_of(card)) > 2]  # title + more answers
        assert all(size_of(card) <= MAX_CARD_BYTES for card in several)
        assert all(activity_bytes(card) < TEAMS_LIMIT for card in cards)
        shown = [t for card in cards for t in texts_of(card)]
        for _, text in message.items:
            assert shown.count(text) == 1
        if len(cards) > 1:
            assert f"(page 1 of {len(cards)})" in " ".join(texts_of(cards[0]))


def test_reply_is_offered_only_on_answers_whose_authors_allowed_it_on_both_platforms():
    message = batch(10, "candid", replyable_every=3)
    teams_keys = [key for card in batch_cards(message) for key in reply_keys(card)]
    assert sorted(teams_keys) == sorted(message.replyable)
    slack_keys = [
        block["accessory"]["value"]
        for block in slack_render(message).blocks
        if block.get("accessory", {}).get("action_id") == "haven_relay_reply"
    ]
    assert sorted(slack_keys) == sorted(message.replyable)


def test_a_long_escaped_slack_answer_is_split_into_sections_without_losing_a_character():
    message = FeedbackBatch(occurrence_id=1, question="Q", items=(("k" * 32, "&<>" * 666),))
    sections = [b["text"]["text"] for b in slack_render(message).blocks if b["type"] == "section"]
    joined = "".join(sections[1:])
    assert joined == "• " + "&amp;&lt;&gt;" * 666
    assert all(len(text) <= 3000 for text in sections)
