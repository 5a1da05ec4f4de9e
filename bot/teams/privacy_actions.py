"""People's own data from Teams: a copy as JSON in the personal chat, erasure after a confirmation."""

import json
from typing import Any

from botbuilder.core import MessageFactory
from sqlmodel import Session

from bot.privacy_requests import NOTHING_HELD, own_erasure, own_export
from bot.teams.activities import Actor
from bot.teams.admin_actions import channel_team
from bot.teams.privacy_cards import erase_confirmation_card, privacy_card
from bot.teams.ritual_actions import whole_number
from bot.teams.runtime import Reply, TeamsRuntime
from rituals.errors import InvalidAnswer
from rituals.privacy.retention import retention_of, retention_of_person, set_retention
from storage.db import session_scope

PERSONAL_ONLY = "Your data is yours alone: type privacy to me in our personal chat."
CHUNK = 20_000  # characters per message, under Teams' limit of about 28 KB


def _personal(actor: Actor) -> None:
    if actor.conversation_kind != "personal":
        raise InvalidAnswer(PERSONAL_ONLY)


def show_privacy(runtime: TeamsRuntime, actor: Actor, data: dict[str, Any]) -> Reply:
    """Show what Haven keeps, for how long, and the two actions."""
    _personal(actor)
    with Session(runtime.engine) as session:
        days = retention_of_person(session=session, user_id=actor.user_id)
    card = privacy_card(retention_days=days, policy=runtime.privacy)
    return Reply("Your data in Haven", card=card)


async def export(runtime: TeamsRuntime, actor: Actor, data: dict[str, Any]) -> Reply:
    """Send everything Haven holds about the person as JSON in their personal chat."""
    _personal(actor)
    document = await own_export(
        engine=runtime.engine, policy=runtime.privacy, user_id=actor.user_id
    )
    if document is None:
        return Reply(NOTHING_HELD)
    content = json.dumps(document, indent=2, ensure_ascii=False)
    parts = [content[start : start + CHUNK] for start in range(0, len(content), CHUNK)]
    for number, part in enumerate(parts, start=1):
        heading = f"haven-my-data.json, part {number} of {len(parts)}:"
        await runtime.teams.send_to_person(
            user_id=actor.user_id, activity=MessageFactory.text(f"{heading}\n```\n{part}\n```")
        )
    return Reply(f"I sent everything Haven holds about you here, as JSON ({len(parts)} part(s)).")


async def confirm_erase(runtime: TeamsRuntime, actor: Actor, data: dict[str, Any]) -> Reply:
    """Show what erasing would remove, with the button that does it."""
    _personal(actor)
    preview = await own_erasure(
        engine=runtime.engine, relay_key=runtime.relay_key, user_id=actor.user_id, dry_run=True
    )
    if preview.nothing:
        return Reply(NOTHING_HELD)
    return Reply("Erase my data?", card=erase_confirmation_card(preview))


async def erase(runtime: TeamsRuntime, actor: Actor, data: dict[str, Any]) -> Reply:
    """Erase the person's data and say what went."""
    _personal(actor)
    report = await own_erasure(
        engine=runtime.engine, relay_key=runtime.relay_key, user_id=actor.user_id, dry_run=False
    )
    if report.nothing:
        return Reply(NOTHING_HELD)
    return Reply("\n\n".join(report.lines()))


def retention(runtime: TeamsRuntime, actor: Actor, data: dict[str, Any]) -> Reply:
    """Say how long this channel's team keeps answers."""
    with Session(runtime.engine) as session:
        team = channel_team(session, actor)
        days = retention_of(session=session, team_id=team.id)
        return Reply(
            f"{team.name}: answers and texts are kept {days} days, then deleted; "
            "weekly team figures stay. Admins: @Haven retention DAYS."
        )


def change_retention(runtime: TeamsRuntime, actor: Actor, data: dict[str, Any]) -> Reply:
    """Set how long this channel's team keeps answers (admins)."""
    days = whole_number(data, "days", what="number of days")
    with session_scope(runtime.engine) as session:
        team = channel_team(session, actor)
        kept = set_retention(session=session, team_id=team.id, days=days)
        return Reply(f"{team.name}: answers and texts are now kept {kept} days.")
