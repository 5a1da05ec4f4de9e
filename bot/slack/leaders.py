"""Leaders named from Slack, with the name and time zone users.info gives for each."""

from sqlmodel import Session

from rituals.admin import set_leaders
from storage.models import Team
from storage.models_digest import LeaderProfile
from storage.models_slack import SlackUser
from storage.teams import upsert_member


def name_leaders(*, session: Session, team: Team, people: dict[str, SlackUser]) -> None:
    """Make exactly these people the team's leaders; their digest follows their own time zone."""
    set_leaders(session=session, team=team, user_ids=list(people))
    for user_id, person in people.items():
        member = upsert_member(
            session=session,
            team_id=team.id,
            platform_user_id=user_id,
            display_name=person.display_name,
        )
        if person.timezone:
            profile = session.get(LeaderProfile, member.id) or LeaderProfile(
                member_id=member.id, timezone=person.timezone
            )
            profile.timezone = person.timezone
            session.add(profile)
    session.commit()
