"""The digest's "what I'll do this week": a leader's commitment, shown in next week's digest."""

import re

from slack_bolt.async_app import AsyncApp
from sqlmodel import Session

from bot.database_work import in_session
from bot.slack import ids, views
from bot.slack.digest_blocks import COMMIT_ACTION
from bot.slack.ids import DIGEST_COMMIT_VIEW
from bot.slack.listeners.common import field_error
from bot.slack.runtime import SlackRuntime
from rituals.errors import HavenError, InvalidAnswer
from rituals.next_step import record_commitment
from storage.models import Team, Workspace

ISO_WEEK = re.compile(r"^[0-9]{4}-W[0-9]{2}$")


def team_and_week(value: object) -> tuple[int, str]:
    """Split a commit button's value '<team id>:<ISO week>'."""
    team, _, week = value.partition(":") if isinstance(value, str) else ("", "", "")
    if not ISO_WEEK.match(week):
        raise InvalidAnswer("That button is not one of Haven's; please use the latest digest.")
    (team_id,) = ids.numbers_in(team, 1)
    return team_id, week


def commit_to(
    *,
    session: Session,
    team_id: int,
    iso_week: str,
    workspace_id: str,
    leader_user_id: str,
    text: str | None,
) -> None:
    """Store a leader's commitment for a team of this workspace (blocking: use in_session)."""
    team = session.get(Team, team_id)
    workspace = session.get(Workspace, team.workspace_id) if team else None
    if workspace is None or (workspace.platform, workspace.external_id) != ("slack", workspace_id):
        raise InvalidAnswer("This digest belongs to another workspace.")
    record_commitment(
        session=session,
        team_id=team_id,
        iso_week=iso_week,
        leader_user_id=leader_user_id,
        text=text,
    )


def register(app: AsyncApp, runtime: SlackRuntime) -> None:
    """Register the digest commitment listeners."""

    @app.action(COMMIT_ACTION)
    async def commit_clicked(ack, body, client) -> None:  # type: ignore[no-untyped-def]
        await ack()
        try:
            team_id, week = team_and_week(body["actions"][0].get("value"))
            view = views.digest_commitment(team_id=team_id, iso_week=week)
        except HavenError as error:
            view = views.notice("Digest", str(error))
        await client.views_open(trigger_id=body["trigger_id"], view=view)

    @app.view(DIGEST_COMMIT_VIEW)
    async def commitment_submitted(ack, view, context) -> None:  # type: ignore[no-untyped-def]
        try:
            team_id, week = team_and_week(view.get("private_metadata"))
            await in_session(
                runtime.engine,
                lambda session: commit_to(
                    session=session,
                    team_id=team_id,
                    iso_week=week,
                    workspace_id=context.team_id,
                    leader_user_id=context.user_id,
                    text=views.submitted(view, "commitment"),
                ),
            )
        except HavenError as error:
            await ack(field_error("commitment", str(error)))
            return
        await ack(
            response_action="update",
            view=views.notice(
                "Saved", "Next week's digest shows it beside how the team's signals moved."
            ),
        )
