"""Block Kit rendering: every core message renders; unknown types fail loudly; images are uploaded."""

from dataclasses import dataclass

import pytest

from bot.slack.render import SlackMessage, render
from rituals.ports import PersonAddress
from tests.message_samples import EVERY_MESSAGE


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
