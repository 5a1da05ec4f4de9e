"""A team with four weeks of every kind of row, one person of which asks to be exported or erased."""

from dataclasses import dataclass
from datetime import UTC, datetime

import time_machine
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from rituals.digest import iter_digests
from rituals.ports import PersonAddress
from rituals.relay import decode_relay_key, new_relay_key, seal
from storage.models import AnonymousAnswer, Team
from storage.models_digest import DigestDelivery, LeaderCommitment
from storage.models_rollups import TeamItemRollup, TeamWeekRollup
from storage.models_slack import SlackUser
from storage.models_teams import TeamsConversation
from tests.conftest import make_ritual, make_team
from tests.rituals.digest_helpers import anonymous, checkins, person, pulse, story

SUBJECT = "UFORGETME"  # distinctive, so a scan of every column finds nothing by accident
OTHERS = ["UANNA", "UBEN", "UCARA", "UDAN"]
RELAY_KEY = new_relay_key()
RELAY_KEY_BYTES = decode_relay_key(RELAY_KEY)
WEEKS = ["2026-W44", "2026-W45", "2026-W46", "2026-W47"]
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@dataclass
class Scene:
    """The team and what the subject shared."""

    team: Team
    subject_text: str = "tired but hopeful"


def build_scene(
    session: Session, *, platform_user: str = SUBJECT, teams_chat: bool = True
) -> Scene:
    """Fill a team: check-ins with words, pulses, stories, anonymous answers with reply seals."""
    team = make_team(session, name="Platform", threshold_numbers=3, threshold_texts=3)
    checkin = make_ritual(session, team, "checkin")
    safety = make_ritual(session, team, "safety_pulse", schedule="0 11 * * wed")
    failure = make_ritual(session, team, "failure_celebration", schedule="0 15 * * fri")
    feedback = make_ritual(session, team, "anonymous_feedback", question="What blocks you?")
    person(session, team, platform_user).display_name = "Sam Subject"
    everyone = [platform_user, *OTHERS]
    for n, week in enumerate(WEEKS):
        moods = {user: 2 + (i + n) % 4 for i, user in enumerate(everyone)}
        # Three people with words: no week is below k, so the digest reads only the rollups.
        texts = {
            platform_user: ("tired but hopeful", 0.1),
            "UANNA": ("great week", 0.8),
            "UBEN": ("busy", -0.2),
        }
        checkins(session, team, checkin, week, moods, texts=texts)
        pulse(session, team, safety, week, {1 + n: {u: 3 + i % 3 for i, u in enumerate(everyone)}})
        thread = checkins(session, team, failure, week, {}, day=4, invited=5)
        story(session, team, failure, thread, platform_user, f"{week}-subject")
        story(session, team, failure, thread, "UANNA", f"{week}-anna")
    asked = checkins(session, team, feedback, WEEKS[-1], {}, day=1, invited=5)
    anonymous(session, asked, "feedback", [0.2, -0.4, 0.5])
    for answer, author in zip(
        session.exec(select(AnonymousAnswer)).all(), [platform_user, "UBEN", "UCARA"], strict=False
    ):
        address = PersonAddress(platform="console", workspace="local", user_id=author)
        answer.reply_seal = seal(key=RELAY_KEY_BYTES, person=address, occurrence_id=asked.id)
        session.add(answer)
    lead = person(session, team, "ULEAD", leader=True)
    subject = person(session, team, platform_user)
    session.add(
        LeaderCommitment(
            team_id=team.id, iso_week=WEEKS[-2], member_id=lead.id, text="1:1s", created_at=NOW
        )
    )
    for who in (lead, subject):
        session.add(
            DigestDelivery(
                team_id=team.id, member_id=who.id, iso_week=WEEKS[-2], status="sent", claimed_at=NOW
            )
        )
    session.add(
        SlackUser(
            team_id="T1", user_id=platform_user, display_name="Sam", fetched_at=NOW, dm_channel="D1"
        )
    )
    session.commit()
    with time_machine.travel(NOW, tick=False):  # the weekly digests keep what they published
        for _ in iter_digests(session=session, first_week=WEEKS[0], last_week=WEEKS[-1]):
            pass
    if teams_chat:
        session.add(
            TeamsConversation(
                conversation_id="a:personal-subject",
                kind="personal",
                user_id=platform_user,
                service_url="https://smba.example/",
                reference="{}",
            )
        )
    session.commit()
    return Scene(team=team)


def figures(session: Session) -> list[dict[str, object]]:
    """Return every stored weekly figure (rollups), to compare before and after."""
    rows = [*session.exec(select(TeamWeekRollup)), *session.exec(select(TeamItemRollup))]
    return sorted((row.model_dump() for row in rows), key=repr)


def rows_mentioning(engine: Engine, needle: str) -> list[str]:
    """Return table names with any column value containing needle."""
    found = []
    with engine.connect() as connection:
        for table in inspect(engine).get_table_names():
            for row in connection.execute(text(f'SELECT * FROM "{table}"')):
                if any(needle in str(value) for value in row):
                    found.append(table)
    return found
