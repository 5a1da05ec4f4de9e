"""Card actions that answer a ritual: card data in, one core call, a receipt out."""

import asyncio
from typing import Any

from sqlmodel import Session

from bot.teams.activities import DEFAULT_TENANT, Actor
from bot.teams.conversations import find_conversation, roster, roster_id_of
from bot.teams.notifier import PersonUnreachable
from bot.teams.runtime import Reply, TeamsRuntime
from rituals import failure, feedback, pulse
from rituals.checkin_click import CheckinClick
from rituals.context import RitualScope
from rituals.errors import InvalidAnswer
from rituals.messages import AGREE_LABELS, MOOD_LABELS
from rituals.relay import reply_to_item
from storage.db import session_scope
from storage.models import Occurrence
from storage.teams import find_member


def whole_number(data: dict[str, Any], key: str, *, what: str) -> int:
    """Return data[key] as an int, or raise InvalidAnswer naming what is missing."""
    try:
        return int(str(data.get(key, "")).strip())
    except ValueError:
        raise InvalidAnswer(f"This card did not say which {what} it is about.") from None


def _scope(
    session: Session, data: dict[str, Any], kind: str, actor: Actor
) -> tuple[RitualScope, Occurrence]:
    """Load the round a card is about, refusing cards of other rituals, tenants or teams."""
    occurrence_id = whole_number(data, "occurrence_id", what="ritual round")
    scope, occurrence = RitualScope.of_occurrence(session=session, occurrence_id=occurrence_id)
    if scope.ritual.kind != kind or scope.workspace.platform != "teams":
        raise InvalidAnswer("This card does not belong to that ritual round.")
    if scope.workspace.external_id not in (actor.tenant_id, DEFAULT_TENANT):
        raise InvalidAnswer("This card belongs to another organisation.")
    if not _in_team(session, scope, actor.user_id):
        raise InvalidAnswer(f"Only members of team {scope.team.name} can answer its rituals.")
    return scope, occurrence


def _in_team(session: Session, scope: RitualScope, user_id: str) -> bool:
    """Return whether the person is an active member or in the roster of the team's Teams team."""
    member = find_member(session=session, team_id=scope.team.id, platform_user_id=user_id)
    if member is not None and member.active:
        return True
    row = find_conversation(session=session, conversation_id=scope.team.channel)
    people = (
        {p.user_id for p in roster(session=session, roster_id=roster_id_of(row))} if row else set()
    )
    return user_id in people


def _answering_workspace(runtime: TeamsRuntime, data: dict[str, Any], actor: Actor) -> str:
    """Return the workspace of the check-in a card is about, once the clicker may answer it."""
    with session_scope(runtime.engine) as session:
        scope, _occurrence = _scope(session, data, "checkin", actor)
        return scope.workspace.external_id


async def answer_checkin(runtime: TeamsRuntime, actor: Actor, data: dict[str, Any]) -> Reply:
    """Record a mood (and a word) for a check-in; a second click replaces the first.

    Returns once the answer is committed (with the clicks that arrived beside it); the thread
    reply of a shared check-in follows, holding no database connection while Teams answers.
    """
    mood = whole_number(data, "mood", what="mood")
    occurrence_id = whole_number(data, "occurrence_id", what="ritual round")
    workspace = await asyncio.to_thread(_answering_workspace, runtime, data, actor)
    receipt = await runtime.checkins.record(
        CheckinClick(
            occurrence_id=occurrence_id,
            platform="teams",
            workspace=workspace,
            user_id=actor.user_id,
            mood=mood,
            text=data.get("text"),
            display_name=actor.display_name,
        )
    )
    word = f" — “{receipt.text}”" if receipt.text else ""
    verb = "Changed your check-in to" if receipt.changed else "Checked in:"
    return Reply(f"{verb} {mood} ({MOOD_LABELS[mood]}){word}. Click another mood to change it.")


def _record_pulse(
    runtime: TeamsRuntime, actor: Actor, data: dict[str, Any], chosen: dict[str, Any]
) -> list[pulse.PulseReceipt]:
    """Store the chosen pulse items and commit them (blocking: run it in a worker thread)."""
    with session_scope(runtime.engine) as session:
        scope, occurrence = _scope(session, data, "safety_pulse", actor)
        return [
            pulse.record(
                scope=scope,
                occurrence=occurrence,
                user_id=actor.user_id,
                item=whole_number({"n": item}, "n", what="statement"),
                score=whole_number({"n": score}, "n", what="answer"),
            )
            for item, score in sorted(chosen.items())
        ]


async def answer_pulse(runtime: TeamsRuntime, actor: Actor, data: dict[str, Any]) -> Reply:
    """Record the pulse items answered on the card."""
    chosen = {
        key.removeprefix("item_"): value
        for key, value in data.items()
        if key.startswith("item_") and str(value).strip()
    }
    if not chosen:
        raise InvalidAnswer("Pick an answer for at least one statement, then send.")
    receipts = await asyncio.to_thread(_record_pulse, runtime, actor, data, chosen)
    answered = ", ".join(f"{r.item}: {AGREE_LABELS[r.score].lower()}" for r in receipts)
    remaining = receipts[-1].remaining
    rest = (
        f" Still open: item {', '.join(map(str, remaining))}."
        if remaining
        else " That's all — thank you."
    )
    return Reply(f"Recorded ({answered}).{rest}")


def _record_feedback(
    runtime: TeamsRuntime, actor: Actor, data: dict[str, Any], key: bytes | None
) -> feedback.FeedbackReceipt:
    """Store an anonymous answer and commit it (blocking: run it in a worker thread)."""
    with session_scope(runtime.engine) as session:
        scope, occurrence = _scope(session, data, "anonymous_feedback", actor)
        return feedback.record(
            scope=scope,
            occurrence=occurrence,
            user_id=actor.user_id,
            text=data.get("text"),
            relay_key=key,
        )


async def answer_feedback(runtime: TeamsRuntime, actor: Actor, data: dict[str, Any]) -> Reply:
    """Store an anonymous answer; seal the author for replies only when they ticked the box."""
    allow_replies = str(data.get("allow_replies", "false")).lower() == "true"
    key = runtime.relay_key if allow_replies else None
    receipt = await asyncio.to_thread(_record_feedback, runtime, actor, data, key)
    text = (
        "Stored anonymously, without your name. Leaders see the answers only once "
        f"{receipt.threshold} exist, shuffled, in one batch."
    )
    if allow_replies and key is None:
        text += " Replies are turned off on this Haven server, so leaders cannot reply."
    return Reply(text)


async def share_story(runtime: TeamsRuntime, actor: Actor, data: dict[str, Any]) -> Reply:
    """Post a failure story in the thread for its author, with no trace of them."""
    with session_scope(runtime.engine) as session:
        scope, occurrence = _scope(session, data, "failure_celebration", actor)
        await failure.share_anonymously(
            scope=scope, occurrence=occurrence, notifiers=runtime.notifiers, text=data.get("story")
        )
    return Reply("Your story is in the thread, with no name attached. Thank you for sharing it.")


async def relay_reply(runtime: TeamsRuntime, actor: Actor, data: dict[str, Any]) -> Reply:
    """Relay a leader's reply to the author of a released anonymous answer."""
    try:
        with session_scope(runtime.engine) as session:
            await reply_to_item(
                session=session,
                notifiers=runtime.notifiers,
                key=runtime.relay_key,
                item_key=str(data.get("item_key", "")),
                leader_user_id=actor.user_id,
                text=data.get("reply"),
            )
    except PersonUnreachable:
        return Reply("The author can no longer be reached in Teams; your reply was not delivered.")
    return Reply("Your reply was relayed. The author stays anonymous, to you and to Haven.")
