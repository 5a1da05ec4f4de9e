"""What the database holds before a config is applied, read in a few queries, not one per team."""

from collections import defaultdict
from dataclasses import dataclass, field

from sqlmodel import Session, select

from storage.models import HavenAdmin, Member, Ritual, Team, Workspace


@dataclass
class ExistingSetup:
    """Every workspace, team, member, ritual and admin, indexed the way applying looks them up."""

    workspaces: dict[tuple[str, str], Workspace] = field(default_factory=dict)
    workspaces_by_id: dict[int, Workspace] = field(default_factory=dict)
    teams: dict[str, Team] = field(default_factory=dict)  # by casefolded name
    members: dict[int, dict[str, Member]] = field(default_factory=dict)  # team id → user id →
    rituals: dict[int, dict[str, Ritual]] = field(default_factory=dict)  # team id → name →
    admins: dict[int, set[str]] = field(default_factory=dict)  # workspace id → user ids

    def team(self, name: str) -> Team | None:
        """Return the team with this name (case-insensitive), if any."""
        return self.teams.get(name.casefold())

    def members_of(self, team: Team) -> dict[str, Member]:
        """Return the team's members by platform user id."""
        return self.members.setdefault(team.id, {}) if team.id is not None else {}

    def rituals_of(self, team: Team) -> dict[str, Ritual]:
        """Return the team's rituals by name."""
        return self.rituals.setdefault(team.id, {}) if team.id is not None else {}


def read_existing(*, session: Session) -> ExistingSetup:
    """Read every workspace, team, member, ritual and admin in five queries."""
    setup = ExistingSetup()
    for workspace in session.exec(select(Workspace)):
        setup.workspaces[(workspace.platform, workspace.external_id)] = workspace
        setup.workspaces_by_id[workspace.id] = workspace  # type: ignore[index]
    for team in session.exec(select(Team).order_by(Team.name)):
        setup.teams[team.name.casefold()] = team
    members: dict[int, dict[str, Member]] = defaultdict(dict)
    for member in session.exec(select(Member).order_by(Member.id)):
        members[member.team_id][member.platform_user_id] = member
    rituals: dict[int, dict[str, Ritual]] = defaultdict(dict)
    for ritual in session.exec(select(Ritual).order_by(Ritual.id)):
        rituals[ritual.team_id][ritual.name] = ritual
    admins: dict[int, set[str]] = defaultdict(set)
    for admin in session.exec(select(HavenAdmin)):
        admins[admin.workspace_id].add(admin.user_id)
    setup.members, setup.rituals, setup.admins = dict(members), dict(rituals), dict(admins)
    return setup
