"""Every row of one workspace (Slack workspace or Teams tenant), for erasure after an uninstall."""

from datetime import datetime

from sqlmodel import Session, col, delete, select

from storage.models import (
    AnonymousAnswer,
    AnonymousGuard,
    Answer,
    HavenAdmin,
    Member,
    Occurrence,
    Ritual,
    Story,
    Team,
    Workspace,
)
from storage.models_digest import DigestDelivery, DigestSettings, LeaderCommitment, LeaderProfile
from storage.models_figures import FigureAudit, PublishedWeek
from storage.models_privacy import TeamRetention, WorkspaceErasure
from storage.models_rollups import TeamItemRollup, TeamWeekRollup
from storage.models_slack import SlackUser
from storage.models_teams import TeamsConversation, TeamsRosterMember


def find_workspace(*, session: Session, platform: str, external_id: str) -> Workspace | None:
    """Return the workspace of a platform and external id, if Haven knows it."""
    return session.exec(
        select(Workspace).where(
            Workspace.platform == platform, Workspace.external_id == external_id
        )
    ).first()


def workspaces_due_for_erasure(*, session: Session, now: datetime) -> list[Workspace]:
    """Return the workspaces whose grace period after an uninstall has ended."""
    return list(
        session.exec(
            select(Workspace)
            .join(WorkspaceErasure, WorkspaceErasure.workspace_id == Workspace.id)
            .where(WorkspaceErasure.erase_after <= now)
        )
    )


def delete_workspace_rows(*, session: Session, workspace: Workspace) -> int:
    """Delete the workspace and everything in it, children first; return how many teams."""
    team_ids = list(session.exec(select(Team.id).where(Team.workspace_id == workspace.id)))
    rituals = select(Ritual.id).where(col(Ritual.team_id).in_(team_ids))
    occurrences = select(Occurrence.id).where(col(Occurrence.ritual_id).in_(rituals))
    members = select(Member.id).where(col(Member.team_id).in_(team_ids))
    statements = [
        delete(Answer).where(col(Answer.occurrence_id).in_(occurrences)),
        delete(Story).where(col(Story.occurrence_id).in_(occurrences)),
        delete(AnonymousAnswer).where(col(AnonymousAnswer.occurrence_id).in_(occurrences)),
        delete(AnonymousGuard).where(col(AnonymousGuard.occurrence_id).in_(occurrences)),
        delete(Occurrence).where(col(Occurrence.ritual_id).in_(rituals)),
        delete(Ritual).where(col(Ritual.team_id).in_(team_ids)),
        *(
            delete(table).where(col(table.team_id).in_(team_ids))  # type: ignore[attr-defined]
            for table in (
                FigureAudit,
                PublishedWeek,
                TeamWeekRollup,
                TeamItemRollup,
                DigestSettings,
                DigestDelivery,
                LeaderCommitment,
            )
        ),
        delete(LeaderProfile).where(col(LeaderProfile.member_id).in_(members)),
        delete(Member).where(col(Member.team_id).in_(team_ids)),
        delete(TeamRetention).where(col(TeamRetention.team_id).in_(team_ids)),
        delete(Team).where(col(Team.id).in_(team_ids)),
        delete(HavenAdmin).where(HavenAdmin.workspace_id == workspace.id),
        delete(WorkspaceErasure).where(WorkspaceErasure.workspace_id == workspace.id),
    ]
    if workspace.platform == "slack":
        statements.append(delete(SlackUser).where(SlackUser.team_id == workspace.external_id))
    if workspace.platform == "teams":
        statements += [
            delete(TeamsConversation).where(TeamsConversation.tenant_id == workspace.external_id),
            delete(TeamsRosterMember).where(TeamsRosterMember.tenant_id == workspace.external_id),
        ]
    for statement in statements:
        session.exec(statement)  # type: ignore[call-overload]
    session.delete(workspace)
    session.flush()
    return len(team_ids)
