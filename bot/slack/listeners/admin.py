"""`/haven` and the setup and ritual-edit modals: admins set Haven up without leaving Slack."""

import asyncio
from dataclasses import dataclass

from slack_bolt.async_app import AsyncApp
from sqlmodel import Session

from bot.database_work import in_session
from bot.slack import commands, ids, views
from bot.slack.kit import escape
from bot.slack.leaders import name_leaders
from bot.slack.listeners.common import field_error
from bot.slack.listeners.privacy import own_data_blocks, retention_reply
from bot.slack.middleware import AdminOnly
from bot.slack.runtime import SlackRuntime
from rituals import admin
from rituals.admin import RitualChange
from rituals.errors import HavenError, InvalidAnswer, NotFound
from rituals.lifecycle import open_now
from storage.db import session_scope
from storage.models import Ritual, Team, Workspace
from storage.models_slack import SlackUser
from storage.occurrences import rituals_of_team
from storage.teams import find_team_by_channel, leaders

KIND_ALIASES = {
    "check-in": "checkin",
    "failure": "failure_celebration",
    "feedback": "anonymous_feedback",
    "pulse": "safety_pulse",
}
UNBOUND = "This channel is not bound to a team yet: an admin can run `/haven setup` here."


def _ritual_id(command: commands.HavenCommand) -> int:
    try:
        (ritual_id,) = ids.numbers_in(command.args[0] if command.args else "", 1)
    except InvalidAnswer:
        raise InvalidAnswer(
            f"Say which ritual: `/haven rituals {command.action} <id>` (see `/haven rituals`)."
        ) from None
    return ritual_id


def team_of_ritual(*, session: Session, ritual_id: int, team_id: str) -> Team:
    """Return the team of a ritual in this Slack workspace, or raise NotFound."""
    ritual = session.get(Ritual, ritual_id)
    team = session.get(Team, ritual.team_id) if ritual else None
    workspace = session.get(Workspace, team.workspace_id) if team else None
    if (
        team is None
        or workspace is None
        or (workspace.platform, workspace.external_id)
        != (
            "slack",
            team_id,
        )
    ):
        raise NotFound(f"There is no ritual {ritual_id} in this workspace.")
    return team


def ritual_lines(*, session: Session, team: Team) -> str:
    """Return the team's rituals, one per line with its id."""
    rituals = rituals_of_team(session=session, team_id=team.id)
    lines = [
        f"`{r.id}` {views.KIND_LABELS[r.kind]} · `{r.schedule}` ({team.timezone})"
        + (" · paused" if r.paused else "")
        for r in rituals
    ]
    return "\n".join(lines) or "No rituals yet: `/haven rituals add checkin`."


async def _run_now(runtime: SlackRuntime, *, team_id: str, ritual_id: int) -> str:
    def ritual_asked(session: Session) -> Ritual:
        team_of_ritual(session=session, ritual_id=ritual_id, team_id=team_id)
        ritual = session.get(Ritual, ritual_id)
        assert ritual is not None
        session.commit()
        return ritual

    with session_scope(runtime.engine) as session:
        ritual = await asyncio.to_thread(ritual_asked, session)
        occurrence = await open_now(session=session, notifiers=runtime.notifiers, ritual=ritual)
    if occurrence is None:
        return f"Ritual {ritual_id} was already opened this minute; nothing was sent again."
    return f"Opened ritual {ritual_id}: {occurrence.invited_count} people invited."


def register(app: AsyncApp, runtime: SlackRuntime) -> None:
    """Register `/haven` and the admin modals, all behind the admin check."""
    admin_only = AdminOnly(runtime=runtime)

    @app.command(ids.COMMAND, middleware=[admin_only])
    async def haven(ack, command, client, context, respond) -> None:  # type: ignore[no-untyped-def]
        asked = commands.parse(command.get("text", ""))
        channel, team_id = command["channel_id"], context.team_id
        if asked.verb == "help":
            await ack(commands.HELP)
            return
        if asked.verb == "privacy":
            await ack(
                text="Your data in Haven",
                blocks=await own_data_blocks(runtime, user_id=context.user_id),
            )
            return
        if asked.verb == "setup":
            await ack()
            await client.views_open(
                trigger_id=command["trigger_id"],
                view=await setup_view(
                    runtime,
                    team_id=team_id,
                    user_id=context.user_id,
                    channel=channel,
                    channel_name=command.get("channel_name", ""),
                ),
            )
            return
        try:
            # Names first: users.info writes its cache, which must not wait on this session's lock.
            people = {
                u: await runtime.people.lookup(team_id=team_id, user_id=u) for u in asked.users
            }
            if asked.verb == "rituals" and asked.action == "run":
                await ack("Opening it now…")
                try:
                    text = await _run_now(runtime, team_id=team_id, ritual_id=_ritual_id(asked))
                except HavenError as error:
                    text = f"⚠️ {error}"
                await respond(escape(text))
                return
            answer = await in_session(
                runtime.engine,
                lambda session: answer_command(
                    session=session, channel=channel, asked=asked, people=people
                ),
            )
            if answer.edit_view is not None:
                await ack()
                await client.views_open(trigger_id=command["trigger_id"], view=answer.edit_view)
            else:
                await ack(answer.text)
            if answer.rituals_changed:
                runtime.rituals_changed()
        except HavenError as error:
            await ack(f"⚠️ {escape(str(error))}")

    @app.view(ids.SETUP_VIEW, middleware=[admin_only])
    async def setup_submitted(ack, view, context) -> None:  # type: ignore[no-untyped-def]
        try:
            lines = await apply_setup(runtime, view=view, team_id=context.team_id)
        except HavenError as error:
            block = "timezone" if "time zone" in str(error) else "team_name"
            await ack(field_error(block, str(error)))
            return
        await ack(response_action="update", view=views.notice("Haven is set up", "\n".join(lines)))
        runtime.rituals_changed()

    @app.view(ids.RITUAL_EDIT_VIEW, middleware=[admin_only])
    async def edit_submitted(ack, view, context) -> None:  # type: ignore[no-untyped-def]
        window = (views.submitted(view, "window") or "").strip()
        if window and not (window.isascii() and window.isdigit()):
            await ack(field_error("window", "A number of minutes, or empty for the default."))
            return
        change = RitualChange(
            schedule=(views.submitted(view, "schedule") or "").strip() or None,
            question=views.submitted(view, "question") or "",
            window_minutes=int(window) if window else None,
            mode=views.submitted(view, "mode"),
        )
        try:
            (ritual_id,) = ids.numbers_in(view.get("private_metadata"), 1)
            ritual = await in_session(
                runtime.engine,
                lambda session: admin.edit_ritual(
                    session=session,
                    team=team_of_ritual(
                        session=session, ritual_id=ritual_id, team_id=context.team_id
                    ),
                    ritual_id=ritual_id,
                    change=change,
                ),
            )
            text = f"{views.KIND_LABELS[ritual.kind]} `{ritual.id}` now runs `{ritual.schedule}`."
        except HavenError as error:
            block = {"cron": "schedule", "window": "window"}
            target = next((b for word, b in block.items() if word in str(error)), "schedule")
            await ack(field_error(target, str(error)))
            return
        await ack(response_action="update", view=views.notice("Ritual saved", text))
        runtime.rituals_changed()


@dataclass(frozen=True)
class CommandAnswer:
    """What `/haven` answers: a text or a modal to open, and whether rituals changed."""

    text: str = ""
    edit_view: dict | None = None  # type: ignore[type-arg]
    rituals_changed: bool = False


def answer_command(
    *, session: Session, channel: str, asked: commands.HavenCommand, people: dict[str, SlackUser]
) -> CommandAnswer:
    """Answer a `/haven` verb about the channel's team (blocking: run it through in_session)."""
    team = find_team_by_channel(session=session, platform="slack", channel=channel)
    if team is None:
        return CommandAnswer(UNBOUND)
    if asked.verb == "status":
        return CommandAnswer(escape("\n".join(admin.status_lines(session=session, team=team))))
    if asked.verb == "leaders":
        return CommandAnswer(_leaders(session=session, team=team, people=people))
    if asked.verb == "retention":
        return CommandAnswer(retention_reply(session=session, team=team, asked=asked))
    if asked.action in ("", "list"):
        return CommandAnswer(ritual_lines(session=session, team=team))
    if asked.action == "add":
        return CommandAnswer(_add(session=session, team=team, asked=asked), rituals_changed=True)
    if asked.action in ("pause", "resume"):
        ritual = admin.set_paused(
            session=session,
            team=team,
            ritual_id=_ritual_id(asked),
            paused=asked.action == "pause",
        )
        return CommandAnswer(
            f"{views.KIND_LABELS[ritual.kind]} `{ritual.id}` is {asked.action}d.",
            rituals_changed=True,
        )
    if asked.action == "edit":
        ritual = admin.ritual_of_team(session=session, team=team, ritual_id=_ritual_id(asked))
        return CommandAnswer(edit_view=views.ritual_edit(ritual))
    return CommandAnswer(commands.HELP)


def _add(*, session: Session, team: Team, asked: commands.HavenCommand) -> str:
    if not asked.args:
        raise InvalidAnswer("Say which ritual: `/haven rituals add checkin [cron]`.")
    kind = KIND_ALIASES.get(asked.args[0].lower(), asked.args[0].lower())
    schedule = " ".join(asked.args[1:]) or None
    ritual = admin.add_ritual(session=session, team=team, kind=kind, schedule=schedule)
    return f"Added {views.KIND_LABELS[ritual.kind]} `{ritual.id}` · `{ritual.schedule}` ({team.timezone})."


def _leaders(*, session: Session, team: Team, people: dict[str, SlackUser]) -> str:
    if people:
        name_leaders(session=session, team=team, people=people)
    current = leaders(session=session, team_id=team.id)
    mentions = ", ".join(f"<@{m.platform_user_id}>" for m in current) or "nobody yet"
    return f"Leaders of {escape(team.name)} (they receive the weekly digest): {mentions}."


async def setup_view(
    runtime: SlackRuntime, *, team_id: str, user_id: str, channel: str, channel_name: str
) -> dict:  # type: ignore[type-arg]
    """Return the setup modal, filled in with the channel's current setup."""
    current = await in_session(
        runtime.engine, lambda session: _current_setup(session=session, channel=channel)
    )
    if current is not None:
        return current
    person = await runtime.people.lookup(team_id=team_id, user_id=user_id)
    return views.setup(
        channel=channel,
        team_name=channel_name if channel_name not in ("", "privategroup", "directmessage") else "",
        timezone=person.timezone or "UTC",
        kinds={"checkin", "failure_celebration", "safety_pulse"},
        mode="shared",
        leaders=[],
    )


def _current_setup(*, session: Session, channel: str) -> dict | None:  # type: ignore[type-arg]
    """Return the setup modal of a channel bound to a team already, else None."""
    team = find_team_by_channel(session=session, platform="slack", channel=channel)
    if team is None:
        return None
    rituals = rituals_of_team(session=session, team_id=team.id)
    checkin = next((r for r in rituals if r.kind == "checkin"), None)
    return views.setup(
        channel=channel,
        team_name=team.name,
        timezone=team.timezone,
        kinds={r.kind for r in rituals if not r.paused},
        mode=checkin.mode if checkin else "shared",
        leaders=[m.platform_user_id for m in leaders(session=session, team_id=team.id)],
    )


async def apply_setup(runtime: SlackRuntime, *, view: dict, team_id: str) -> list[str]:  # type: ignore[type-arg]
    """Bind the channel to the team the admin described, choose its rituals and leaders."""
    chosen = set(views.submitted(view, "rituals") or [])
    mode = views.submitted(view, "mode") or "shared"
    leader_ids = views.submitted(view, "leaders") or []
    people = {u: await runtime.people.lookup(team_id=team_id, user_id=u) for u in leader_ids}

    def bind(session: Session) -> list[str]:
        team = admin.bind_team(
            session=session,
            platform="slack",
            workspace=team_id,
            channel=ids.channel_in(view.get("private_metadata")),
            name=views.submitted(view, "team_name") or "",
            timezone=(views.submitted(view, "timezone") or "UTC").strip(),
        )
        existing = {r.kind: r for r in rituals_of_team(session=session, team_id=team.id)}
        for kind in chosen - existing.keys():
            admin.add_ritual(
                session=session, team=team, kind=kind, mode=mode if kind == "checkin" else "shared"
            )
        for kind, ritual in existing.items():
            if ritual.paused == (kind in chosen):
                admin.set_paused(
                    session=session, team=team, ritual_id=ritual.id, paused=kind not in chosen
                )
            if kind == "checkin" and ritual.mode != mode:
                admin.edit_ritual(
                    session=session, team=team, ritual_id=ritual.id, change=RitualChange(mode=mode)
                )
        if people:
            name_leaders(session=session, team=team, people=people)
        return admin.status_lines(session=session, team=team)

    return await in_session(runtime.engine, bind)
