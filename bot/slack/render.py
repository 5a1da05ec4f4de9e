"""Render the core's messages as Block Kit: one function per message type."""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import singledispatch

from bot.slack import ids
from bot.slack.digest_blocks import digest_blocks, digest_fallback_text
from bot.slack.kit import (
    Block,
    actions,
    button,
    context,
    escape,
    header,
    section,
    sections,
    slack_date,
)
from rituals.messages import (
    AnonymousStoryPost,
    CheckinPrompt,
    DigestMessage,
    FailureThreadOpener,
    FeedbackBatch,
    FeedbackPrompt,
    LeaderReply,
    PulsePrompt,
    Reminder,
    RoundSummary,
    SharedCheckin,
)

MOOD_EMOJI = {1: "🌧", 2: "🌥", 3: "⛅", 4: "🌤", 5: "☀️"}


@dataclass(frozen=True)
class SlackMessage:
    """A message as Slack takes it: notification text plus blocks, and an optional image.

    with_image, when set, returns the blocks showing the image inline once it is uploaded;
    without it the image follows the message as a file.
    """

    text: str
    blocks: list[Block] = field(default_factory=list)
    image_png: bytes | None = None
    image_alt: str = ""
    with_image: Callable[[str], list[Block]] | None = None


@singledispatch
def render(message: object) -> SlackMessage:
    """Return the Block Kit form of a core message; unknown types fail loudly."""
    raise TypeError(f"Slack cannot render {type(message).__name__}")


@render.register
def _(message: CheckinPrompt) -> SlackMessage:
    occurrence = message.occurrence_id
    moods = [
        button(
            f"{MOOD_EMOJI.get(mood, '')} {mood} · {label}".strip(),
            action_id=f"{ids.CHECKIN_MOOD}_{mood}",
            value=ids.value_of(occurrence, mood),
        )
        for mood, label in message.scale.items()
    ]
    privacy = (
        "Answers stay private: only the team's aggregate is shown."
        if message.mode == "private"
        else "Your answer is shared in this thread, like a check-in round."
    )
    return SlackMessage(
        text=f"Check-in: {escape(message.question)}",
        blocks=[
            section(f"☕ *Check-in* — {escape(message.question)}"),
            actions(*moods, block_id=f"checkin_moods:{occurrence}"),
            actions(
                button("✏️ Add a word", action_id=ids.CHECKIN_WORD, value=str(occurrence)),
                block_id=f"checkin_word:{occurrence}",
            ),
            context(f"{privacy} Open until {slack_date(message.closes_at)}."),
        ],
    )


@render.register
def _(message: SharedCheckin) -> SlackMessage:
    word = f" — “{escape(message.text)}”" if message.text else ""
    line = f"{MOOD_EMOJI.get(message.mood, '')} *{escape(message.display_name)}*: {message.mood}/5{word}"
    return SlackMessage(
        text=f"{escape(message.display_name)}: {message.mood}/5", blocks=[section(line)]
    )


@render.register
def _(message: FailureThreadOpener) -> SlackMessage:
    return SlackMessage(
        text=f"Failure celebration: {escape(message.question)}",
        blocks=[
            section(f"🎉 *Failure celebration* — {escape(message.question)}"),
            context(
                "Reply in this thread to share by name, or share anonymously and Haven posts "
                f"your story for you. Open until {slack_date(message.closes_at)}."
            ),
            actions(
                button(
                    "🕶 Share anonymously",
                    action_id=ids.FAILURE_SHARE,
                    value=str(message.occurrence_id),
                ),
                block_id=f"failure_share:{message.occurrence_id}",
            ),
        ],
    )


@render.register
def _(message: AnonymousStoryPost) -> SlackMessage:
    return SlackMessage(
        text="A story shared anonymously",
        blocks=sections(f"🕶 *Shared anonymously:* {escape(message.text)}"),
    )


@render.register
def _(message: FeedbackPrompt) -> SlackMessage:
    return SlackMessage(
        text=f"Anonymous question: {escape(message.question)}",
        blocks=[
            section(f"🔒 *Anonymous question* — {escape(message.question)}"),
            context(
                "Your answer is stored without your name or Slack id. Leaders see the answers "
                f"only once {message.threshold} exist, shuffled, in one batch. "
                f"Open until {slack_date(message.closes_at)}."
            ),
            actions(
                button(
                    "Answer anonymously",
                    action_id=ids.FEEDBACK_ANSWER,
                    value=str(message.occurrence_id),
                    style="primary",
                ),
                block_id=f"feedback_answer:{message.occurrence_id}",
            ),
        ],
    )


@render.register
def _(message: PulsePrompt) -> SlackMessage:
    labels = message.scale
    blocks: list[Block] = [
        header("📊 Safety pulse"),
        context(
            f"How much do you agree? 1 = {labels[1]} · 4 = {labels[4]} · 7 = {labels[7]}. "
            f"Only team averages are reported, from enough people. Open until "
            f"{slack_date(message.closes_at)}."
        ),
    ]
    for item in message.items:
        blocks.append(section(f"*{item.number}.* {escape(item.statement)}"))
        blocks.append(
            actions(
                *(
                    button(
                        str(score),
                        action_id=f"{ids.PULSE_SCORE}_{score}",
                        value=ids.value_of(message.occurrence_id, item.number, score),
                    )
                    for score in labels
                ),
                block_id=f"pulse:{message.occurrence_id}:{item.number}",
            )
        )
    return SlackMessage(text="This week's safety pulse", blocks=blocks)


@render.register
def _(message: Reminder) -> SlackMessage:
    return SlackMessage(text=escape(message.text), blocks=[section(f"⏰ {escape(message.text)}")])


@render.register
def _(message: RoundSummary) -> SlackMessage:
    lines = "\n".join(escape(line) for line in message.lines)
    return SlackMessage(
        text=escape(message.title),
        blocks=[section(f"✅ *{escape(message.title)}*"), section(lines or " ")],
    )


@render.register
def _(message: FeedbackBatch) -> SlackMessage:
    blocks: list[Block] = [
        header("🔓 Anonymous answers"),
        section(f"To “{escape(message.question)}” — {len(message.items)} answers, shuffled."),
        context(
            "Nobody, you included, can see who wrote which answer. “Reply” sends your words to "
            "the author through Haven without telling you who they are."
        ),
    ]
    for key, text in message.items:
        reply = button("Reply", action_id=ids.RELAY_REPLY, value=key)
        blocks += sections(
            f"• {escape(text)}", accessory=reply if key in message.replyable else None
        )
    return SlackMessage(text=f"{len(message.items)} anonymous answers", blocks=blocks)


@render.register
def _(message: LeaderReply) -> SlackMessage:
    return SlackMessage(
        text="A leader replied to your anonymous answer",
        blocks=[
            section(
                f"💬 A leader replied to your anonymous answer to “{escape(message.question)}”"
            ),
            *sections(f"> {escape(message.answer_excerpt)}\n{escape(message.reply)}"),
            context("They do not know who you are; Haven relayed their reply."),
        ],
    )


@render.register
def _(message: DigestMessage) -> SlackMessage:
    document = message.document
    return SlackMessage(
        text=digest_fallback_text(document),
        blocks=digest_blocks(document),
        image_png=message.chart_png,
        image_alt=message.chart_alt_text,
        with_image=lambda file_id: digest_blocks(document, chart_file_id=file_id),
    )
