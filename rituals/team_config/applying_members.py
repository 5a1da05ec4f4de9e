"""A team's leaders and members made to match the config."""

from rituals.team_config.assigning import assigned
from rituals.team_config.existing import ExistingSetup
from rituals.team_config.new_rows import NewRows
from rituals.team_config.report import ApplyReport
from rituals.team_config.schema import TeamConfig
from storage.models import Team


def apply_members(
    *,
    existing: ExistingSetup,
    added: NewRows,
    team: Team,
    team_config: TeamConfig,
    report: ApplyReport,
) -> None:
    """Add, promote, demote and deactivate the team's members as the config lists them."""
    members = existing.members_of(team)
    wanted = dict.fromkeys([*team_config.leaders, *(team_config.members or [])])
    leaders = set(team_config.leaders)
    for user_id in wanted:
        is_leader = user_id in leaders
        member = members.get(user_id)
        subject = f"member {user_id!r} of team {team.name!r}"
        if member is None:
            added.members.append(
                {
                    "team_id": team.id,
                    "platform_user_id": user_id,
                    "display_name": "",
                    "is_leader": is_leader,
                    "active": True,
                }
            )
            report.record("created", subject, *(["leader"] if is_leader else []))
            continue
        details = assigned(member, {"active": True, "is_leader": is_leader})
        if details:
            report.record("updated", subject, *details)
    for user_id, member in members.items():
        if user_id in wanted:
            continue
        values: dict[str, object] = {"is_leader": False}
        if team_config.members is not None:
            values["active"] = False  # kept, not deleted, so past answers keep their author
        details = assigned(member, values)
        if details:
            report.record("updated", f"member {user_id!r} of team {team.name!r}", *details)
