"""What a ritual step works with: the session, the notifiers and one occurrence's team."""

from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session

from rituals.errors import InvalidAnswer, NotFound
from rituals.ports import ChannelAddress, Notifier, NotifierRegistry, PersonAddress
from storage.models import Member, Occurrence, Ritual, Team, Workspace
from storage.teams import find_member, upsert_member

DEFAULT_WINDOW_MINUTES = {
    "checkin": 4 * 60,
    "failure_celebration": 72 * 60,
    "anonymous_feedback": 7 * 24 * 60,
    "safety_pulse": 48 * 60,
}


def answer_window(ritual: Ritual) -> timedelta:
    """Return how long an occurrence of the ritual stays open for answers."""
    return timedelta(minutes=ritual.window_minutes or DEFAULT_WINDOW_MINUTES[ritual.kind])


@dataclass
class RitualScope:
    """One ritual with its team and workspace, loaded once for a step."""

    session: Session
    ritual: Ritual
    team: Team
    workspace: Workspace

    @classmethod
    def of_ritual(cls, *, session: Session, ritual_id: int) -> "RitualScope":
        """Load the scope of a ritual, raising NotFound when it does not exist."""
        ritual = session.get(Ritual, ritual_id)
        if ritual is None:
            raise NotFound(f"no ritual with id {ritual_id}")
        team = session.get(Team, ritual.team_id)
        assert team is not None
        workspace = session.get(Workspace, team.workspace_id)
        assert workspace is not None
        return cls(session=session, ritual=ritual, team=team, workspace=workspace)

    @classmethod
    def of_occurrence(
        cls, *, session: Session, occurrence_id: int
    ) -> tuple["RitualScope", Occurrence]:
        """Load an occurrence and its scope, raising NotFound when it does not exist."""
        occurrence = session.get(Occurrence, occurrence_id)
        if occurrence is None:
            raise NotFound(f"no ritual occurrence with id {occurrence_id}")
        return cls.of_ritual(session=session, ritual_id=occurrence.ritual_id), occurrence

    @property
    def channel(self) -> ChannelAddress:
        """Return the address of the team's channel."""
        return ChannelAddress(
            platform=self.workspace.platform,
            workspace=self.workspace.external_id,
            channel=self.team.channel,
        )

    def person(self, member: Member) -> PersonAddress:
        """Return the direct address of one member."""
        return PersonAddress(
            platform=self.workspace.platform,
            workspace=self.workspace.external_id,
            user_id=member.platform_user_id,
        )

    def notifier(self, notifiers: NotifierRegistry) -> Notifier:
        """Return the notifier of the team's platform."""
        return notifiers.for_platform(self.workspace.platform)

    def member_answering(self, *, user_id: str, display_name: str = "") -> Member:
        """Return the member behind a user id, enrolling them when the channel defines the team."""
        found = find_member(session=self.session, team_id=self.team.id, platform_user_id=user_id)
        return self.admit(found, user_id=user_id, display_name=display_name)

    def admit(self, found: Member | None, *, user_id: str, display_name: str = "") -> Member:
        """Return an active member as found, or enrol the person when the channel defines the team."""
        if found is not None and found.active:
            return found
        if not self.team.members_from_channel:
            raise InvalidAnswer(
                f"You are not on the member list of team {self.team.name}; ask a Haven admin."
            )
        return upsert_member(
            session=self.session,
            team_id=self.team.id,
            platform_user_id=user_id,
            display_name=display_name,
        )


def require_open(occurrence: Occurrence) -> None:
    """Refuse answers to an occurrence that has closed."""
    if occurrence.status != "open":
        raise InvalidAnswer("This round has closed; answers are no longer taken.")
