"""Rows that name one person, found by their platform user id: for export and for erasure."""

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlmodel import Session, delete, select

from storage.models import Answer, HavenAdmin, Member, Occurrence, Ritual, Story, Team
from storage.models_digest import DigestDelivery, LeaderCommitment, LeaderProfile
from storage.models_slack import SlackUser
from storage.models_teams import TeamsConversation, TeamsRosterMember


@dataclass
class PersonRows:
    """Everything stored under one platform user id, table by table."""

    user_id: str
    members: Sequence[Member] = ()
    answers: Sequence[Answer] = ()
    stories: Sequence[Story] = ()
    commitments: Sequence[LeaderCommitment] = ()
    deliveries: Sequence[DigestDelivery] = ()
    leader_profiles: Sequence[LeaderProfile] = ()
    admin_grants: Sequence[HavenAdmin] = ()
    slack_profiles: Sequence[SlackUser] = ()
    teams_conversations: Sequence[TeamsConversation] = ()
    teams_rosters: Sequence[TeamsRosterMember] = ()
    teams: dict[int, Team] = field(default_factory=dict)
    rituals_of_occurrence: dict[int, tuple[Occurrence, Ritual]] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        """Return how many rows of each kind there are."""
        kinds = (
            "members",
            "answers",
            "stories",
            "commitments",
            "deliveries",
            "leader_profiles",
            "admin_grants",
            "slack_profiles",
            "teams_conversations",
            "teams_rosters",
        )
        return {kind: len(getattr(self, kind)) for kind in kinds}


def members_named(*, session: Session, team_name: str, display_name: str) -> Sequence[Member]:
    """Return the members of a team (by name, case-insensitive) with this display name."""
    teams = [t for t in session.exec(select(Team)) if t.name.casefold() == team_name.casefold()]
    if not teams:
        return []
    return [
        m
        for m in session.exec(select(Member).where(Member.team_id == teams[0].id))
        if m.display_name.casefold() == display_name.casefold()
    ]


def person_rows(*, session: Session, user_id: str) -> PersonRows:
    """Collect every row stored under a platform user id."""
    members = session.exec(select(Member).where(Member.platform_user_id == user_id)).all()
    ids = [m.id for m in members]
    answers = session.exec(select(Answer).where(Answer.member_id.in_(ids))).all()
    stories = session.exec(select(Story).where(Story.member_id.in_(ids))).all()
    occurrence_ids = {row.occurrence_id for row in (*answers, *stories)}
    rituals = session.exec(
        select(Occurrence, Ritual)
        .join(Ritual, Ritual.id == Occurrence.ritual_id)
        .where(Occurrence.id.in_(occurrence_ids))
    ).all()
    return PersonRows(
        user_id=user_id,
        members=members,
        answers=answers,
        stories=stories,
        commitments=session.exec(
            select(LeaderCommitment).where(LeaderCommitment.member_id.in_(ids))
        ).all(),
        deliveries=session.exec(
            select(DigestDelivery).where(DigestDelivery.member_id.in_(ids))
        ).all(),
        leader_profiles=session.exec(
            select(LeaderProfile).where(LeaderProfile.member_id.in_(ids))
        ).all(),
        admin_grants=session.exec(select(HavenAdmin).where(HavenAdmin.user_id == user_id)).all(),
        slack_profiles=session.exec(select(SlackUser).where(SlackUser.user_id == user_id)).all(),
        teams_conversations=session.exec(
            select(TeamsConversation).where(TeamsConversation.user_id == user_id)
        ).all(),
        teams_rosters=session.exec(
            select(TeamsRosterMember).where(TeamsRosterMember.user_id == user_id)
        ).all(),
        teams={
            t.id: t
            for t in session.exec(select(Team).where(Team.id.in_({m.team_id for m in members})))
        },
        rituals_of_occurrence={o.id: (o, r) for o, r in rituals},
    )


def teams_of_person(*, session: Session, user_id: str) -> list[int]:
    """Return the ids of the teams the person is a member of."""
    return list(
        session.exec(select(Member.team_id).where(Member.platform_user_id == user_id).distinct())
    )


def delete_person_rows(*, session: Session, rows: PersonRows) -> None:
    """Delete every row collected for a person, children before the members they point to."""
    for group in (
        rows.answers,
        rows.stories,
        rows.commitments,
        rows.deliveries,
        rows.leader_profiles,
        rows.admin_grants,
        rows.slack_profiles,
        rows.teams_conversations,
        rows.teams_rosters,
    ):
        for row in group:
            session.delete(row)
    session.flush()
    member_ids = [m.id for m in rows.members]
    if member_ids:
        session.exec(delete(Member).where(Member.id.in_(member_ids)))  # type: ignore[call-overload]
    session.flush()
