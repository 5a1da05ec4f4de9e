"""Setup actions from Teams: bind the channel, manage rituals and leaders, show the status."""

import asyncio
from typing import Any

from sqlmodel import Session

from bot.teams.activities import Actor
from bot.teams.conversations import find_conversation, roster, roster_id_of
from bot.teams.forms import (
    edit_form,
    help_card,
    leaders_form,
    rituals_card,
    setup_form,
    status_card,
)
from bot.teams.ritual_actions import whole_number
from bot.teams.runtime import Reply, TeamsRuntime
from rituals.admin import (
    RitualChange,
    add_ritual,
    bind_team,
    edit_ritual,
    ritual_of_team,
    set_leaders,
    set_paused,
    status_lines,
)
from rituals.errors import InvalidAnswer
from rituals.lifecycle import open_now
from storage.db import session_scope
from storage.models import Ritual, Team
from storage.occurrences import rituals_of_team
from storage.teams import find_team_by_channel, leaders, upsert_member


def channel_team(session: Session, actor: Actor) -> Team:
    """Return the team bound to the actor's channel, or explain how to bind one."""
    if actor.conversation_kind == "personal":
        raise InvalidAnswer("Use this in the team's channel: mention @Haven there.")
    team = find_team_by_channel(session=session, platform="teams", channel=actor.conversation_id)
    if team is None:
        raise InvalidAnswer("This channel is not a Haven team yet; an admin can type @Haven setup.")
    return team


def _optional(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    return str(value).strip() if value is not None and str(value).strip() else None


def show_help(runtime: TeamsRuntime, actor: Actor, data: dict[str, Any]) -> Reply:
    """Show the commands."""
    return Reply("Haven's commands", card=help_card())


def show_setup(runtime: TeamsRuntime, actor: Actor, data: dict[str, Any]) -> Reply:
    """Show the setup form of this channel."""
    if actor.conversation_kind == "personal":
        raise InvalidAnswer("Set Haven up in the team's channel: mention @Haven setup there.")
    with session_scope(runtime.engine) as session:
        team = find_team_by_channel(
            session=session, platform="teams", channel=actor.conversation_id
        )
        return Reply("Setup", card=setup_form(team=team, suggested_name=actor.teams_team_name))


def save_setup(runtime: TeamsRuntime, actor: Actor, data: dict[str, Any]) -> Reply:
    """Bind this channel to a team, or update its settings."""
    if actor.conversation_kind == "personal":
        raise InvalidAnswer("Set Haven up in the team's channel: mention @Haven setup there.")
    days = tuple(d.strip() for d in str(data.get("working_days") or "").split(",") if d.strip())
    threshold = _optional(data, "threshold")
    with session_scope(runtime.engine) as session:
        team = bind_team(
            session=session,
            platform="teams",
            workspace=actor.tenant_id,
            channel=actor.conversation_id,
            name=str(data.get("name") or ""),
            timezone=_optional(data, "timezone") or "UTC",
            working_days=days or ("mon", "tue", "wed", "thu", "fri"),
            threshold=whole_number({"k": threshold}, "k", what="threshold") if threshold else None,
        )
        return Reply(f"This channel is team {team.name}. Next: @Haven rituals to add rituals.")


def show_rituals(runtime: TeamsRuntime, actor: Actor, data: dict[str, Any]) -> Reply:
    """Show the team's rituals with their buttons."""
    with session_scope(runtime.engine) as session:
        team = channel_team(session, actor)
        rituals = rituals_of_team(session=session, team_id=team.id)
        return Reply(f"Rituals of {team.name}", card=rituals_card(team=team, rituals=rituals))


def add(runtime: TeamsRuntime, actor: Actor, data: dict[str, Any]) -> Reply:
    """Add a ritual to the team."""
    with session_scope(runtime.engine) as session:
        team = channel_team(session, actor)
        ritual = add_ritual(
            session=session,
            team=team,
            kind=str(data.get("kind") or ""),
            schedule=_optional(data, "schedule"),
            mode=_optional(data, "mode") or "shared",
            question=_optional(data, "question") or "",
        )
        return Reply(
            f"Added ritual {ritual.id} '{ritual.name}' on `{ritual.schedule}` ({team.timezone})."
        )


def show_edit(runtime: TeamsRuntime, actor: Actor, data: dict[str, Any]) -> Reply:
    """Show the form that edits one ritual."""
    with session_scope(runtime.engine) as session:
        team = channel_team(session, actor)
        ritual_id = whole_number(data, "ritual_id", what="ritual")
        ritual = ritual_of_team(session=session, team=team, ritual_id=ritual_id)
        return Reply(f"Edit {ritual.name}", card=edit_form(ritual))


def edit(runtime: TeamsRuntime, actor: Actor, data: dict[str, Any]) -> Reply:
    """Change a ritual's schedule, mode, question or answer window."""
    window = _optional(data, "window_minutes")
    change = RitualChange(
        schedule=_optional(data, "schedule"),
        mode=_optional(data, "mode"),
        question=str(data["question"]) if data.get("question") is not None else None,
        window_minutes=whole_number({"w": window}, "w", what="answer window") if window else None,
    )
    with session_scope(runtime.engine) as session:
        team = channel_team(session, actor)
        ritual_id = whole_number(data, "ritual_id", what="ritual")
        ritual = edit_ritual(session=session, team=team, ritual_id=ritual_id, change=change)
        return Reply(f"Saved ritual {ritual.id} '{ritual.name}': `{ritual.schedule}`.")


def pause(runtime: TeamsRuntime, actor: Actor, data: dict[str, Any]) -> Reply:
    """Pause a ritual; its history stays."""
    return _set_paused(runtime, actor, data, paused=True)


def resume(runtime: TeamsRuntime, actor: Actor, data: dict[str, Any]) -> Reply:
    """Resume a paused ritual."""
    return _set_paused(runtime, actor, data, paused=False)


def _set_paused(
    runtime: TeamsRuntime, actor: Actor, data: dict[str, Any], *, paused: bool
) -> Reply:
    with session_scope(runtime.engine) as session:
        team = channel_team(session, actor)
        ritual_id = whole_number(data, "ritual_id", what="ritual")
        ritual = set_paused(session=session, team=team, ritual_id=ritual_id, paused=paused)
        return Reply(
            f"Ritual {ritual.id} '{ritual.name}' is {'paused' if paused else 'active again'}."
        )


async def run_now(runtime: TeamsRuntime, actor: Actor, data: dict[str, Any]) -> Reply:
    """Open a round of a ritual now (once a minute at most)."""

    def ritual_asked(session: Session) -> Ritual:
        team = channel_team(session, actor)
        ritual = ritual_of_team(
            session=session, team=team, ritual_id=whole_number(data, "ritual_id", what="ritual")
        )
        session.commit()
        return ritual

    with session_scope(runtime.engine) as session:
        ritual = await asyncio.to_thread(ritual_asked, session)
        occurrence = await open_now(session=session, notifiers=runtime.notifiers, ritual=ritual)
        if occurrence is None:
            return Reply(f"'{ritual.name}' was already opened this minute; nothing sent again.")
        return Reply(f"Opened '{ritual.name}' ({occurrence.invited_count} invited).")


def show_leaders(runtime: TeamsRuntime, actor: Actor, data: dict[str, Any]) -> Reply:
    """Show the form that chooses the team's leaders from its roster."""
    with session_scope(runtime.engine) as session:
        team = channel_team(session, actor)
        row = find_conversation(session=session, conversation_id=team.channel)
        people = roster(session=session, roster_id=roster_id_of(row)) if row else []
        current = [m.platform_user_id for m in leaders(session=session, team_id=team.id)]
        return Reply(
            f"Leaders of {team.name}",
            card=leaders_form(team=team, people=people, leader_ids=current),
        )


def save_leaders(runtime: TeamsRuntime, actor: Actor, data: dict[str, Any]) -> Reply:
    """Make exactly the chosen people the team's leaders."""
    chosen = [u.strip() for u in str(data.get("leaders") or "").split(",") if u.strip()]
    with session_scope(runtime.engine) as session:
        team = channel_team(session, actor)
        row = find_conversation(session=session, conversation_id=team.channel)
        names = (
            {
                p.user_id: p.display_name
                for p in roster(session=session, roster_id=roster_id_of(row))
            }
            if row
            else {}
        )
        unknown = [u for u in chosen if u not in names]
        if unknown:
            raise InvalidAnswer("Choose leaders from the team's roster.")
        set_leaders(session=session, team=team, user_ids=chosen)
        for user_id in chosen:
            upsert_member(
                session=session,
                team_id=team.id,
                platform_user_id=user_id,
                display_name=names[user_id],
            )
        shown = ", ".join(names[u] or "someone" for u in chosen) or "nobody"
        return Reply(f"Leaders of {team.name}: {shown}.")


def show_status(runtime: TeamsRuntime, actor: Actor, data: dict[str, Any]) -> Reply:
    """Show the team's setup."""
    with session_scope(runtime.engine) as session:
        team = channel_team(session, actor)
        return Reply("Haven status", card=status_card(status_lines(session=session, team=team)))
