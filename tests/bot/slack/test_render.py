"""Block Kit rendering: every core message renders; unknown types fail loudly; images are uploaded."""

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from bot.slack.render import SlackMessage, render
from rituals.messages import (
    AnonymousStoryPost,
    CheckinPrompt,
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
from rituals.ports import PersonAddress

CLOSES = datetime(2026, 11, 23, 13, 0, tzinfo=UTC)
EVERY_MESSAGE = [
    CheckinPrompt(occurrence_id=1, question="How are you?", mode="shared", closes_at=CLOSES),
    SharedCheckin(occurrence_id=1, display_name="<Ana & co>", mood=4, text="*bold*"),
    FailureThreadOpener(occurrence_id=2, question="What failed?", closes_at=CLOSES),
    AnonymousStoryPost(occurrence_id=2, text="story"),
    FeedbackPrompt(occurrence_id=3, question="Speak up?", threshold=5, closes_at=CLOSES),
    PulsePrompt(
        occurrence_id=4,
        items=(PulseItem(number=2, statement="We raise problems."),),
        closes_at=CLOSES,
    ),
    Reminder(occurrence_id=1, ritual_kind="checkin", text="Still open"),
    RoundSummary(occurrence_id=1, ritual_kind="checkin", title="Closed", lines=("3 of 5",)),
    FeedbackBatch(occurrence_id=3, question="Speak up?", items=(("k1", "a"), ("k2", "b"))),
    LeaderReply(question="Speak up?", answer_excerpt="a", reply="thanks"),
]


@pytest.mark.parametrize("message", EVERY_MESSAGE, ids=lambda m: type(m).__name__)
def test_every_core_message_renders_within_slack_limits(message):
    rendered = render(message)
    assert rendered.text and 0 < len(rendered.blocks) <= 50
    for block in rendered.blocks:
        for element in block.get("elements", []):
            assert len(element.get("action_id", "")) <= 255


def test_peoples_words_are_escaped_not_interpreted():
    text = render(EVERY_MESSAGE[1]).blocks[0]["text"]["text"]
    assert "&lt;Ana &amp; co&gt;" in text


def test_unknown_message_types_fail_loudly():
    with pytest.raises(TypeError, match="Slack cannot render"):
        render(object())


@dataclass(frozen=True)
class Chart:
    png: bytes


async def test_a_rendered_image_is_uploaded_to_the_dm(slack):
    @render.register(Chart)
    def _(message: Chart) -> SlackMessage:
        return SlackMessage(text="digest", blocks=[], image_png=message.png, image_alt="Trend")

    notifier = slack.notifiers.for_platform("slack")
    await notifier.send_direct(
        person=PersonAddress(platform="slack", workspace="T0HAVEN", user_id="U0LEA"),
        message=Chart(png=b"\x89PNG fake"),
    )
    (complete,) = slack.fake.calls_to("files.completeUploadExternal")
    assert complete.args["channel_id"] == "D0LEA"
    assert list(slack.fake.uploads.values()) == [b"\x89PNG fake"]
