"""Render the core's messages as Adaptive Cards; card actions carry {"haven": action, ...}."""

import base64
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
        text(message.question),
        {
            "type": "Input.Text",
            "id": "text",
            "placeholder": "One word or one sentence (optional)",
            "maxLength": 500,
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
    return card([text(f"**{message.display_name}**: {message.mood}/5{word}")])


@render.register
def _(message: FailureThreadOpener) -> Card:
    form = [
        text("Your story is posted by Haven in this thread, with no name attached."),
        {"type": "Input.Text", "id": "story", "isMultiline": True, "maxLength": 4000},
    ]
    share = execute("Post it anonymously", "anonymous_story", occurrence_id=message.occurrence_id)
    return card(
        [
            title("🎉 Failure celebration"),
            text(message.question),
            note("Reply in this thread to share by name, or share anonymously below."),
            closes(message.closes_at),
        ],
        [show_card("Share anonymously", form, [share])],
    )


@render.register
def _(message: AnonymousStoryPost) -> Card:
    return card([note("Shared anonymously"), text(message.text)])


@render.register
def _(message: FeedbackPrompt) -> Card:
    body = [
        title("🔒 Anonymous question"),
        text(message.question),
        {"type": "Input.Text", "id": "text", "isMultiline": True, "maxLength": 4000},
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
    return card([text(f"⏰ {message.text}")])


@render.register
def _(message: RoundSummary) -> Card:
    return card([title(f"✅ {message.title}"), *(text(line) for line in message.lines)])


@render.register
def _(message: FeedbackBatch) -> Card:
    body: list[dict[str, Any]] = [
        title(f"🔓 Anonymous answers to “{message.question}”"),
        note(
            f"{len(message.items)} answers, shuffled. Nobody, Haven included, can tell who wrote which."
        ),
    ]
    for key, answer in message.items:
        reply_form = [{"type": "Input.Text", "id": "reply", "isMultiline": True, "maxLength": 4000}]
        body.append(
            {
                "type": "Container",
                "separator": True,
                "items": [
                    text(answer),
                    {
                        "type": "ActionSet",
                        "actions": [
                            show_card(
                                "Reply",
                                reply_form,
                                [execute("Send reply", "relay_reply", item_key=key)],
                            )
                        ],
                    },
                ],
            }
        )
    return card(body)


@render.register
def _(message: LeaderReply) -> Card:
    return card(
        [
            title("💬 A leader replied to your anonymous answer"),
            note(f"Question: {message.question}" if message.question else "Anonymous feedback"),
            text(f"You wrote: “{message.answer_excerpt}”", isSubtle=True),
            text(message.reply),
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
