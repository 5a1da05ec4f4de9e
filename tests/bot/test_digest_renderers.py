"""Each renderer turns the digest into valid output: text, JSON, Block Kit, Adaptive Card, PNG."""

import dataclasses
import io
import json
import struct

import pytest
from matplotlib import image

from bot.chart import chart_alt_text, render_chart
from bot.console.digest_text import digest_text
from bot.console.render import render
from bot.slack.digest_blocks import COMMIT_ACTION, DASHBOARD_ACTION, digest_blocks
from bot.teams.digest_card import digest_card
from rituals.alerts import Alert
from rituals.digest import DigestDocument, build_digest
from rituals.messages import DigestMessage
from rituals.next_step import FollowUp, record_commitment
from tests.conftest import make_ritual, make_team
from tests.rituals.digest_helpers import checkins, pulse, weeks_from

W = weeks_from("2026-W40", 8)
BLOCK_TYPES = {"header", "section", "context", "divider", "actions", "image"}
CARD_ELEMENTS = {"TextBlock", "RichTextBlock", "FactSet", "Image", "Container", "Input.Text"}


@pytest.fixture
def document(session) -> DigestDocument:
    """A team with eight weeks of check-ins and a full pulse cycle, and a commitment."""
    team = make_team(session, name="Platform <&> Co")
    checkin = make_ritual(session, team, "checkin")
    safety = make_ritual(session, team, "safety_pulse")
    cycle = ((1, 2), (3, 4), (5, 6), (7,))
    for n, week in enumerate(W):
        moods = {"U1": 3 + n % 2, "U2": 4, "U3": 2 + n % 3, "U4": 5}
        texts = {user: ("ok", 0.1 * n - 0.3) for user in moods}
        checkins(session, team, checkin, week, moods, invited=5, texts=texts)
        scores = {
            i: {"U1": 5, "U2": 6, "U3": 3, "U4": 2 if i in (1, 3, 5) else 6} for i in cycle[n % 4]
        }
        pulse(session, team, safety, week, scores)
    record_commitment(
        session=session,
        team_id=team.id,
        iso_week=W[6],
        leader_user_id="ULEAD",
        text="Go first <!channel>",
    )
    return build_digest(session=session, team_id=team.id, iso_week=W[7])


def texts_of(value):
    """Yield every string inside a JSON-like structure."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from texts_of(item)
    elif isinstance(value, list):
        for item in value:
            yield from texts_of(item)


def _mrkdwn(block):
    """Yield the mrkdwn texts of a block."""
    for text in [block.get("text"), *block.get("fields", []), *block.get("elements", [])]:
        if isinstance(text, dict) and text.get("type") == "mrkdwn":
            yield text["text"]


def assert_valid_blocks(blocks):
    assert 0 < len(blocks) <= 50
    for block in blocks:
        assert block["type"] in BLOCK_TYPES
        if block["type"] == "header":
            assert block["text"]["type"] == "plain_text" and len(block["text"]["text"]) <= 150
        if block["type"] == "section":
            assert "text" in block or "fields" in block
            if "text" in block:
                assert block["text"]["type"] == "mrkdwn" and len(block["text"]["text"]) <= 3000
            assert len(block.get("fields", [])) <= 10
            assert all(len(field["text"]) <= 2000 for field in block.get("fields", []))
        if block["type"] == "context":
            assert 0 < len(block["elements"]) <= 10
            assert all(len(element["text"]) <= 3000 for element in block["elements"])
        if block["type"] == "actions":
            assert 0 < len(block["elements"]) <= 25
            for element in block["elements"]:
                assert len(element["text"]["text"]) <= 75 and len(element["value"]) <= 2000


def test_block_kit_is_within_slacks_limits_and_carries_the_commit_button(document):
    blocks = digest_blocks(document)
    assert_valid_blocks(blocks)
    buttons = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert [(b["action_id"], b["value"]) for b in buttons] == [
        (COMMIT_ACTION, f"{document.team_id}:{W[7]}"),
        (DASHBOARD_ACTION, str(document.team_id)),
    ]
    assert blocks[0]["text"] == {
        "type": "plain_text",
        "text": f"📈 Weekly safety digest — Platform <&> Co · {W[7]}",
        "emoji": True,
    }
    mrkdwn = " ".join(t for b in blocks for t in _mrkdwn(b))
    assert "Go first &lt;!channel&gt;" in mrkdwn and "<!channel>" not in mrkdwn  # no pings
    words = " ".join(texts_of(blocks))
    assert "Safety items" in words and "Next step" in words and "Go first" in words
    assert json.loads(json.dumps(blocks)) == blocks


def test_block_kit_stays_within_limits_for_an_extreme_digest(document):
    huge = dataclasses.replace(
        document,
        team="T" * 500,
        alerts=tuple(
            Alert("mood_dropping", "Mood dropping " * 10, "x" * 2500, (W[7],)) for _ in range(9)
        ),
        follow_up=FollowUp(W[6], said=("y" * 1000,) * 4, since=("z" * 300,) * 6),
    )
    blocks = digest_blocks(huge, chart_file_id="F123")
    assert_valid_blocks(blocks)
    assert {
        "type": "image",
        "slack_file": {"id": "F123"},
        "alt_text": "8-week trend of " + "T" * 500,
    } in blocks


def test_adaptive_card_is_version_1_5_with_the_commitment_field_and_submit_action(document):
    png = render_chart(document)
    card = digest_card(DigestMessage(document, png, chart_alt_text(document)))
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.5"
    assert card["$schema"] == "http://adaptivecards.io/schemas/adaptive-card.json"
    assert card["body"] and all(element["type"] in CARD_ELEMENTS for element in card["body"])
    assert all(element["text"] for element in card["body"] if element["type"] == "TextBlock")
    (field,) = [e for e in card["body"] if e["type"] == "Input.Text"]
    assert field["id"] == "commitment" and field["isMultiline"] and field["maxLength"] <= 1000
    action, dashboard = card["actions"]
    assert action["type"] == dashboard["type"] == "Action.Submit"
    assert action["data"] == {
        "haven": "digest_commit",
        "team_id": document.team_id,
        "iso_week": W[7],
    }
    assert dashboard["data"] == {"haven": "dashboard"}  # answered with a one-time link
    (picture,) = [e for e in card["body"] if e["type"] == "Image"]
    assert picture["url"].startswith("data:image/png;base64,") and picture["altText"]
    facts = {fact["title"] for e in card["body"] if e["type"] == "FactSet" for fact in e["facts"]}
    assert {"Participation", "Mood", "Sentiment", "Safety index"} <= facts
    assert len(json.dumps(card)) < 28_000  # Teams' message size limit


def test_the_chart_is_a_png_that_opens(document):
    png = render_chart(document)
    assert png is not None and png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", png[16:24])  # the IHDR chunk
    assert (width, height) == (800, 500)
    pixels = image.imread(io.BytesIO(png), format="png")
    assert pixels.shape[:2] == (500, 800)


def test_the_chart_has_a_text_fallback_with_only_shown_points(document):
    text = chart_alt_text(document)
    assert "Mood:" in text and "Safety index:" in text
    assert text.count("W4") >= 8
    withheld = dataclasses.replace(document, mood=dataclasses.replace(document.mood, trend=()))
    assert "Mood: no figure shown yet" in chart_alt_text(withheld)


def test_no_chart_when_nothing_may_be_shown(document):
    empty = {m.name: dataclasses.replace(m, trend=()) for m in document.metrics}
    blank = dataclasses.replace(
        document,
        participation=empty["participation_rate"],
        mood=empty["mean_mood"],
        sentiment=empty["mean_sentiment"],
        safety=empty["safety_index"],
    )
    assert render_chart(blank) is None


def test_terminal_text_and_json_show_every_part(document):
    text = digest_text(document)
    for part in (
        "Participation",
        "Mood",
        "Sentiment",
        "Safety index",
        "failure stories",
        "Alerts",
        "Next step",
        "You said → we did",
        "“Go first <!channel>”",
    ):
        assert part in text, part
    data = json.loads(json.dumps(document.as_dict()))
    assert data["iso_week"] == W[7] and data["follow_up"]["said"] == ["Go first <!channel>"]
    assert data["mood"]["trend"][-1]["weeks"] == [W[7]]
    message = DigestMessage(document, None, chart_alt_text(document))
    assert render(message).startswith(text) and "Trend of" in render(message)
