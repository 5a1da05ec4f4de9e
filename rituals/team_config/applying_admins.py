"""The Haven admins a team's `admins:` names, added to the team's workspace."""

from rituals.team_config.existing import ExistingSetup
from rituals.team_config.new_rows import NewRows
from rituals.team_config.report import ApplyReport
from rituals.team_config.schema import TeamConfig
from storage.models import Workspace


def apply_admins(
    *,
    existing: ExistingSetup,
    added: NewRows,
    workspace: Workspace,
    team_config: TeamConfig,
    report: ApplyReport,
) -> None:
    """Name each listed person a Haven admin of the team's workspace; nobody is removed."""
    # A workspace new in a dry run has no id yet; its object stands in for one.
    key = workspace.id if workspace.id is not None else id(workspace)
    admins = existing.admins.setdefault(key, set())
    for user_id in team_config.admins:
        if user_id in admins:
            continue
        admins.add(user_id)
        added.admins.append({"workspace_id": workspace.id, "user_id": user_id})
        where = f"{workspace.platform} workspace {workspace.external_id!r}"
        report.record("created", f"admin {user_id!r} of {where}", f"from team {team_config.name!r}")
