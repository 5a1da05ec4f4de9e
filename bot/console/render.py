"""Render the core's messages as terminal text."""

from functools import singledispatch

from bot.console.digest_text import digest_text
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


@singledispatch
def render(message: object) -> str:
    """Return the terminal text of a message; unknown types fail loudly."""
    raise TypeError(f"the console cannot render {type(message).__name__}")


@render.register
def _(message: CheckinPrompt) -> str:
    scale = "  ".join(f"[{n}] {label}" for n, label in message.scale.items())
    privacy = (
        "answers stay private" if message.mode == "private" else "answers are shared in the thread"
    )
    return f"☕ Check-in: {message.question}\n   {scale}\n   ({privacy})"


@render.register
def _(message: SharedCheckin) -> str:
    word = f" — “{message.text}”" if message.text else ""
    return f"↳ {message.display_name}: {message.mood}/5{word}"


@render.register
def _(message: FailureThreadOpener) -> str:
    return f"🎉 Failure celebration: {message.question}\n   (reply in the thread, or share anonymously)"


@render.register
def _(message: AnonymousStoryPost) -> str:
    return f"↳ Shared anonymously: {message.text}"


@render.register
def _(message: FeedbackPrompt) -> str:
    return (
        f"🔒 Anonymous question: {message.question}\n"
        f"   Your answer is stored without your name; the leader sees answers only once "
        f"{message.threshold} exist, shuffled."
    )


@render.register
def _(message: PulsePrompt) -> str:
    items = "\n".join(f"   {item.number}. {item.statement}" for item in message.items)
    return f"📊 Safety pulse — how much do you agree? (1 = strongly disagree … 7 = strongly agree)\n{items}"


@render.register
def _(message: Reminder) -> str:
    return f"⏰ {message.text}"


@render.register
def _(message: RoundSummary) -> str:
    return "\n".join([f"✅ {message.title}", *(f"   {line}" for line in message.lines)])


@render.register
def _(message: FeedbackBatch) -> str:
    items = "\n".join(f"   • {text}" for _key, text in message.items)
    return (
        f"🔓 Anonymous answers to “{message.question}” ({len(message.items)}, shuffled):\n{items}"
    )


@render.register
def _(message: LeaderReply) -> str:
    return (
        f"💬 A leader replied to your anonymous answer to “{message.question}”:\n"
        f"   {message.reply}\n   (They do not know who you are.)"
    )


@render.register
def _(message: DigestMessage) -> str:
    chart = "(trend chart attached)" if message.chart_png else message.chart_alt_text
    return f"{digest_text(message.document)}\n\n{chart}"
