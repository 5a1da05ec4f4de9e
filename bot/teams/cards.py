"""Render the core's messages as Adaptive Cards; card actions carry {"haven": action, ...}."""

import base64
import json
from datetime import UTC, datetime
from functools import singledispatch
from typing import Any

from rituals import messages
from rituals.messages import (
    AnonymousStoryPost,
    CheckinPrompt,
    FailureThreadOpener,
    FeedbackBatch,
    FeedbackPrompt,
    LeaderReply,
    PulsePrompt,
    Reminder,
    RoundSummary,
    SharedCheckin,
)
from rituals.texts import MAX_TEXT_LENGTH, MAX_WORD_LENGTH

Card = dict[str, Any]
SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"


def card(body: list[dict[str, Any]], actions: list[dict[str, Any]] | None = None) -> Card:
    """Return an Adaptive Card 1.5 with this body and these actions."""
    content: Card = {"$schema": SCHEMA, "type": "AdaptiveCard", "version": "1.5", "body": body}
    if actions:
        content["actions"] = actions
    return content


def text(value: str, **style: Any) -> dict[str, Any]:
    """Return a wrapping TextBlock."""
    return {"type": "TextBlock", "text": value, "wrap": True, **style}


def typed(*runs: str | dict[str, Any], **style: Any) -> dict[str, Any]:
    """Return text people or admins typed, shown exactly as typed: TextRuns are never markdown.

    A run is a string, or a TextRun with its own style (e.g. a bold name before a plain answer).
    """
    inlines = [
        {"type": "TextRun", "text": run, **style} if isinstance(run, str) else run for run in runs
    ]
    return {"type": "RichTextBlock", "inlines": inlines}


def run(value: str, **style: Any) -> dict[str, Any]:
    """Return one styled TextRun for typed()."""
    return {"type": "TextRun", "text": value, **style}


def shortened(question: str, *, limit: int = 300) -> str:
    """Return a question as a reminder inside a longer card: whole up to limit, else cut with '…'.

    Only questions people were already shown in full are shortened, so a card stays within 28 KB.
    """
    return question if len(question) <= limit else question[: limit - 1] + "…"


def title(value: str) -> dict[str, Any]:
    """Return a card title."""
    return text(value, weight="Bolder", size="Medium")


def note(value: str) -> dict[str, Any]:
    """Return a small, subtle line."""
    return text(value, isSubtle=True, size="Small")


def execute(label: str, action: str, **data: Any) -> dict[str, Any]:
    """Return an Action.Execute button whose data names the Haven action."""
    return {
        "type": "Action.Execute",
        "title": label,
        "verb": action,
        "data": {"haven": action, **data},
    }


def show_card(
    label: str, body: list[dict[str, Any]], actions: list[dict[str, Any]]
) -> dict[str, Any]:
    """Return an Action.ShowCard that opens a small inline form."""
    return {"type": "Action.ShowCard", "title": label, "card": card(body, actions)}


def closes(moment: datetime) -> dict[str, Any]:
    """Return a line with the closing time, shown in each reader's own time zone by Teams."""
    stamp = moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return note(f"Open until {{{{DATE({stamp}, SHORT)}}}} {{{{TIME({stamp})}}}}.")


@singledispatch
def render(message: object) -> Card:
    """Return the Adaptive Card of a core message; unknown types fail loudly."""
    raise TypeError(f"Teams cannot render {type(message).__name__}")


@render.register
def _(message: CheckinPrompt) -> Card:
    privacy = (
        "Answers stay private; only the round's summary is shown."
        if message.mode == "private"
        else "Your answer is shared in this thread, like a check-in round."
    )
    body = [
        title("☕ Check-in"),
        typed(message.question),
        {
            "type": "Input.Text",
            "id": "text",
            "placeholder": "One word or one sentence (optional)",
            "maxLength": MAX_WORD_LENGTH,
        },
        note(privacy + " Clicking another mood changes your answer."),
        closes(message.closes_at),
    ]
    actions = [
        execute(f"{n} {label}", "checkin", occurrence_id=message.occurrence_id, mood=n)
        for n, label in message.scale.items()
    ]
    return card(body, actions)


@render.register
def _(message: SharedCheckin) -> Card:
    word = f" — “{message.text}”" if message.text else ""
    return card([typed(run(message.display_name, weight="Bolder"), f": {message.mood}/5{word}")])


@render.register
def _(message: FailureThreadOpener) -> Card:
    form = [
        text("Your story is posted by Haven in this thread, with no name attached."),
        {"type": "Input.Text", "id": "story", "isMultiline": True, "maxLength": MAX_TEXT_LENGTH},
    ]
    share = execute("Post it anonymously", "anonymous_story", occurrence_id=message.occurrence_id)
    return card(
        [
            title("🎉 Failure celebration"),
            typed(message.question),
            note("Reply in this thread to share by name, or share anonymously below."),
            closes(message.closes_at),
        ],
        [show_card("Share anonymously", form, [share])],
    )


@render.register
def _(message: AnonymousStoryPost) -> Card:
    return card([note("Shared anonymously"), typed(message.text)])


@render.register
def _(message: FeedbackPrompt) -> Card:
    body = [
        title("🔒 Anonymous question"),
        typed(message.question),
        {"type": "Input.Text", "id": "text", "isMultiline": True, "maxLength": MAX_TEXT_LENGTH},
        {
            "type": "Input.Toggle",
            "id": "allow_replies",
            "title": "Let leaders reply (through Haven; they never learn who you are)",
            "valueOn": "true",
            "valueOff": "false",
            "value": "false",
        },
        note(
            "Your answer is stored without your name. Leaders see answers only once "
            f"{message.threshold} exist, shuffled, in one batch. You can answer once."
        ),
        closes(message.closes_at),
    ]
    return card(
        body, [execute("Send anonymously", "feedback", occurrence_id=message.occurrence_id)]
    )


@render.register
def _(message: PulsePrompt) -> Card:
    choices = [{"title": f"{n} {label}", "value": str(n)} for n, label in message.scale.items()]
    body: list[dict[str, Any]] = [
        title("📊 Safety pulse"),
        text("How much do you agree? Your answers count only in the team's aggregate."),
    ]
    for item in message.items:
        body.append(text(f"{item.number}. {item.statement}", weight="Bolder"))
        body.append({"type": "Input.ChoiceSet", "id": f"item_{item.number}", "choices": choices})
    body.append(closes(message.closes_at))
    return card(body, [execute("Send", "pulse", occurrence_id=message.occurrence_id)])


@render.register
def _(message: Reminder) -> Card:
    return card([typed(f"⏰ {message.text}")])


@render.register
def _(message: RoundSummary) -> Card:
    return card(
        [
            typed(f"✅ {message.title}", weight="Bolder", size="Medium"),
            *(typed(line) for line in message.lines),
        ]
    )


MAX_CARD_BYTES = 24_000  # Teams refuses activities over 28 KB; the envelope needs the rest


def size_of(content: Card) -> int:
    """Return the bytes a card takes in an activity (JSON escapes non-ASCII, so count it escaped)."""
    return len(json.dumps(content, ensure_ascii=True))


def _answer(key: str, answer: str, *, replyable: bool) -> dict[str, Any]:
    items: list[dict[str, Any]] = [typed(answer)]
    if replyable:
        reply_form = [
            {"type": "Input.Text", "id": "reply", "isMultiline": True, "maxLength": MAX_TEXT_LENGTH}
        ]
        send = execute("Send reply", "relay_reply", item_key=key)
        items.append({"type": "ActionSet", "actions": [show_card("Reply", reply_form, [send])]})
    return {"type": "Container", "separator": True, "items": items}


def _batch_page(message: FeedbackBatch, answers: list[dict[str, Any]], page: str) -> Card:
    return card(
        [
            typed(
                f"🔓 Anonymous answers to “{shortened(message.question)}”{page}",
                weight="Bolder",
                size="Medium",
            ),
            note(
                f"{len(message.items)} answers, shuffled. Nobody, Haven included, can tell who "
                "wrote which. Reply appears only where the author allowed replies."
            ),
            *answers,
        ]
    )


def batch_cards(message: FeedbackBatch) -> list[Card]:
    """Return the batch as cards that each fit in one Teams activity, in order."""
    pages: list[list[dict[str, Any]]] = [[]]
    for key, answer in message.items:
        block = _answer(key, answer, replyable=key in message.replyable)
        trial = _batch_page(message, [*pages[-1], block], " (page 999 of 999)")
        if pages[-1] and size_of(trial) > MAX_CARD_BYTES:
            pages.append([])
        pages[-1].append(block)
    if len(pages) == 1:
        return [_batch_page(message, pages[0], "")]
    return [
        _batch_page(message, answers, f" (page {n} of {len(pages)})")
        for n, answers in enumerate(pages, start=1)
    ]


@render.register
def _(message: FeedbackBatch) -> Card:
    return batch_cards(message)[0]


def cards_of(message: object) -> list[Card]:
    """Return the cards that carry a message: several for a long batch, else one."""
    if isinstance(message, FeedbackBatch):
        return batch_cards(message)
    return [render(message)]


@render.register
def _(message: LeaderReply) -> Card:
    return card(
        [
            title("💬 A leader replied to your anonymous answer"),
            typed(
                f"Question: {shortened(message.question)}"
                if message.question
                else "Anonymous feedback",
                isSubtle=True,
                size="Small",
            ),
            typed(f"You wrote: “{message.answer_excerpt}”", isSubtle=True),
            typed(message.reply),
            note("They do not know who you are."),
        ]
    )


MAX_INLINE_CHART = 20_000  # bytes of PNG: Teams refuses messages much over 28 KB


def digest_fallback(message: Any) -> Card:
    """Render a weekly digest plainly: the chart when small enough, else its description."""
    chart: bytes | None = getattr(message, "chart_png", None)
    alt = str(getattr(message, "chart_alt_text", "") or "The trend chart of your team.")
    body: list[dict[str, Any]] = [title("📈 Your team's weekly safety digest")]
    if chart and len(chart) <= MAX_INLINE_CHART:
        data = base64.b64encode(chart).decode()
        body.append({"type": "Image", "url": f"data:image/png;base64,{data}", "altText": alt})
    body.append(text(alt))
    body.append(
        note("The full digest card is not available in this version of Haven's Teams adapter.")
    )
    return card(body)


def render_digest(message: Any) -> Card:
    """Render a weekly digest with the digest issue's card (bot/teams/digest_card.py) when it exists."""
    try:
        from bot.teams.digest_card import digest_card  # type: ignore[import-not-found]
    except ImportError:
        return digest_fallback(message)
    return digest_card(message)


def register_digest(message_type: type) -> None:
    """Teach render() the digest message type."""
    render.register(message_type, render_digest)


if hasattr(messages, "DigestMessage"):  # the weekly digest issue adds it
    register_digest(messages.DigestMessage)


def summary_of(message: object) -> str:
    """Return the one-line notification preview of a message."""
    previews = {
        CheckinPrompt: "Check-in: how are you arriving today?",
        FailureThreadOpener: "Failure celebration: what didn't go as planned?",
        FeedbackPrompt: "An anonymous question for you",
        PulsePrompt: "This week's safety pulse",
        FeedbackBatch: "Anonymous answers for your team",
        LeaderReply: "A leader replied to your anonymous answer",
    }
    if type(message).__name__ == "DigestMessage":
        return "Your team's weekly safety digest"
    return previews.get(type(message), "Haven")
