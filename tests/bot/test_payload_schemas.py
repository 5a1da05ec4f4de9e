"""Every message Haven sends is valid for its platform, with extreme inputs.

Adaptive Cards are validated against ../shared/specs/adaptive-card-1.5.schema.json, Block Kit with
slack_sdk's model classes; 200 members, 2,000-character texts, emoji, right-to-left text and the
injection strings.
"""

import json
from datetime import UTC, datetime
from typing import Any

import jsonschema
import pytest
from botbuilder.schema import Activity
from jsonschema.protocols import Validator
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.slack import views
from bot.slack.home import home_view
from bot.slack.notifier import MAX_BLOCKS, _parts
from bot.slack.render import render as slack_render
from bot.teams import forms
from bot.teams.cards import cards_of
from bot.teams.digest_card import digest_card
from bot.teams.notifier import activity_of
from rituals.messages import (
    AnonymousStoryPost,
    CheckinPrompt,
    DigestMessage,
    FailureThreadOpener,
    FeedbackBatch,
    FeedbackPrompt,
    LeaderReply,
    PulseItem,
    PulsePrompt,
    Reminder,
    RoundSummary,
    SharedCheckin,
)
from rituals.texts import MAX_TEXT_LENGTH
from storage.models import Ritual, Team
from storage.models_teams import TeamsRosterMember
from tests.bot.slack.conftest import make_slack_ritual, make_slack_team
from tests.bot.slack.fake_slack import TEAM
from tests.bot.test_digest_renderers import document  # noqa: F401  (a fixture)
from tests.specs import specs_dir

SCHEMA = specs_dir() / "adaptive-card-1.5.schema.json"
INJECTIONS = "<!channel> <!here> <@U0EVIL> <https://evil.example|click here> [Reset](https://evil.example) **b** & "
EXTREMES = {
    "injection": (INJECTIONS * 40)[:MAX_TEXT_LENGTH],
    "emoji": ("😀🎉👩‍👩‍👧" * 400)[:MAX_TEXT_LENGTH],
    "right-to-left": ("שלום לכולם، مرحبا بالجميع " * 80)[:MAX_TEXT_LENGTH],
    "plain": "x" * MAX_TEXT_LENGTH,
}
CLOSES = datetime(2026, 11, 23, 13, 55, tzinfo=UTC)
TEAMS_LIMIT = 28 * 1024


def messages_with(text: str) -> list[object]:
    """Return one of every core message, each carrying the extreme text wherever text can go."""
    question = text[:1000]
    items = tuple((f"{n:032x}", text) for n in range(200))
    return [
        CheckinPrompt(occurrence_id=2**62, question=question, mode="shared", closes_at=CLOSES),
        SharedCheckin(occurrence_id=1, display_name=text[:80], mood=5, text=text),
        FailureThreadOpener(occurrence_id=1, question=question, closes_at=CLOSES),
        AnonymousStoryPost(occurrence_id=1, text=text),
        FeedbackPrompt(occurrence_id=1, question=question, threshold=5, closes_at=CLOSES),
        PulsePrompt(
            occurrence_id=1,
            items=tuple(PulseItem(number=n, statement=f"Statement {n}") for n in range(1, 8)),
            closes_at=CLOSES,
        ),
        Reminder(occurrence_id=1, ritual_kind="checkin", text=text),
        RoundSummary(
            occurrence_id=1, ritual_kind="checkin", title=text[:200], lines=("4 of 5 answered",) * 5
        ),
        FeedbackBatch(
            occurrence_id=1,
            question=question,
            items=items,
            replyable=frozenset(key for key, _ in items[::2]),
        ),
        LeaderReply(question=question, answer_excerpt=text[:200], reply=text),
    ]


@pytest.fixture(scope="module")
def card_schema() -> Validator:
    """Return a validator for Adaptive Card 1.5, skipping when the shared specs are absent."""
    if not SCHEMA.exists():
        pytest.skip(f"{SCHEMA} is absent: the Adaptive Card schema lives in the shared folder")
    schema = json.loads(SCHEMA.read_text())
    return jsonschema.validators.validator_for(schema)(schema)


def assert_card_valid(validator: Validator, card: dict[str, Any]) -> None:
    errors = [error.message[:200] for error in validator.iter_errors(card)]
    assert not errors, errors
    activity = Activity.serialize(activity_of(card, preview="Haven"))
    assert len(json.dumps(activity).encode()) < TEAMS_LIMIT


def assert_blocks_valid(blocks: list[dict[str, Any]], *, limit: int) -> None:
    assert len(blocks) <= limit
    for block in blocks:
        parsed = Block.parse(block)
        assert parsed is not None, block
        parsed.validate_json()


def team_with_long_names() -> tuple[Team, list[Ritual]]:
    team = Team(
        id=1, workspace_id=1, name=EXTREMES["injection"][:200], channel="19:x", timezone="UTC"
    )
    rituals = [
        Ritual(
            id=n,
            team_id=1,
            name=EXTREMES["right-to-left"][:100],
            kind=kind,
            schedule="0 10 * * mon",
            question=EXTREMES["emoji"][:1000],
        )
        for n, kind in enumerate(("checkin", "failure_celebration", "anonymous_feedback"), start=1)
    ]
    return team, rituals


@pytest.mark.parametrize("extreme", sorted(EXTREMES))
def test_every_teams_card_is_a_valid_adaptive_card_within_28_kb(card_schema, extreme):
    for message in messages_with(EXTREMES[extreme]):
        for card in cards_of(message):
            assert_card_valid(card_schema, card)


def test_every_teams_form_is_a_valid_adaptive_card_within_28_kb(card_schema):
    team, rituals = team_with_long_names()
    people = [
        TeamsRosterMember(roster_id="r", user_id=f"29:{n}", display_name=f"Person {n} 😀")
        for n in range(200)
    ]
    for card in (
        forms.help_card(),
        forms.setup_form(team=None, suggested_name=team.name),
        forms.setup_form(team=team, suggested_name=""),
        forms.rituals_card(team=team, rituals=rituals),
        forms.edit_form(rituals[0]),
        forms.leaders_form(team=team, people=people, leader_ids=["29:1", "29:2"]),
        forms.leaders_form(team=team, people=[], leader_ids=[]),
        forms.status_card([team.name, *(r.name for r in rituals)]),
        forms.welcome_card(kind="personal"),
        forms.welcome_card(kind="channel"),
    ):
        assert_card_valid(card_schema, card)


def test_the_digest_card_is_a_valid_adaptive_card(card_schema, document):  # noqa: F811
    assert_card_valid(card_schema, digest_card(document))
    message = DigestMessage(
        document=document, chart_png=b"\x89PNG" + b"0" * 100, chart_alt_text="a"
    )
    for card in cards_of(message):
        assert_card_valid(card_schema, card)


@pytest.mark.parametrize("extreme", sorted(EXTREMES))
def test_every_slack_message_is_valid_block_kit_sent_in_parts_of_50_blocks(extreme):
    for message in messages_with(EXTREMES[extreme]):
        rendered = slack_render(message)
        assert rendered.text and len(rendered.text) <= 40_000
        for part in _parts(rendered.blocks):
            assert_blocks_valid(part, limit=MAX_BLOCKS)


def test_the_slack_digest_is_valid_block_kit_within_50_blocks(document):  # noqa: F811
    rendered = slack_render(DigestMessage(document=document, chart_png=None, chart_alt_text=""))
    assert_blocks_valid(rendered.blocks, limit=50)


@pytest.mark.parametrize("extreme", sorted(EXTREMES))
def test_every_slack_modal_is_a_valid_view(extreme):
    text = EXTREMES[extreme]
    _, rituals = team_with_long_names()
    for view in (
        views.notice("Not saved", text),
        views.checkin_word(occurrence_id=2**62),
        views.failure_story(occurrence_id=1),
        views.feedback_answer(
            occurrence_id=1, question=text[:1000], threshold=5, replies_possible=True
        ),
        views.relay_reply(item_key="a" * 32, excerpt=text),
        views.setup(
            channel="C0TEAM",
            team_name=text[:200],
            timezone="Europe/Berlin",
            kinds={"checkin"},
            mode="private",
            leaders=[f"U{n:08d}" for n in range(100)],
        ),
        *(views.ritual_edit(ritual) for ritual in rituals),
        views.digest_commitment(team_id=1, iso_week="2026-W47"),
    ):
        View(**view).validate_json()
        assert_blocks_valid(view["blocks"], limit=100)


def test_the_app_home_of_an_admin_leading_41_teams_is_a_valid_view(session):
    for n in range(41):
        team = make_slack_team(
            session, channel=f"C0T{n:03d}", name=f"{EXTREMES['injection'][:150]}{n}"
        )
        make_slack_ritual(session, team, "checkin")
    home = home_view(session=session, team_id=TEAM, user_id="U0LEA", is_admin=True)
    View(**home).validate_json()
    assert_blocks_valid(home["blocks"], limit=100)
    assert "What Haven keeps about you" in str(home["blocks"][-15:])
