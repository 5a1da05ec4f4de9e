"""The demo team: eight simulated people whose answers improve over the weeks."""

import random
from dataclasses import dataclass

from sqlmodel import Session

from rituals.ports import Person
from storage.models import Ritual, Team
from storage.teams import get_or_create_workspace, upsert_member

DEMO_TEAM = "Demo team"
DEMO_ROOM = "demo-room"
DEMO_PEOPLE = (
    Person(user_id="lea", display_name="Lea (lead)"),
    Person(user_id="amir", display_name="Amir"),
    Person(user_id="bea", display_name="Bea"),
    Person(user_id="chen", display_name="Chen"),
    Person(user_id="dana", display_name="Dana"),
    Person(user_id="eli", display_name="Eli"),
    Person(user_id="fatou", display_name="Fatou"),
    Person(user_id="gus", display_name="Gus"),
)
DEMO_RITUALS = (
    ("checkin", "55 9 * * mon", "shared", ""),
    ("safety_pulse", "0 11 * * wed", "shared", ""),
    ("failure_celebration", "0 15 * * fri", "shared", ""),
    ("anonymous_feedback", "0 10 1-7 * mon", "shared", "What makes it hard to speak up here?"),
)
WORDS_BY_MOOD = {
    1: ["exhausted", "overwhelmed and stuck", "not great, too many fires"],
    2: ["tired", "meh", "stressed about the release"],
    3: ["okay", "busy but fine", "so-so"],
    4: ["good", "focused", "happy with the progress"],
    5: ["great!", "excited about the launch", "really proud of the team"],
}
STORIES = (
    "I merged without running the migrations locally and broke staging; now I always run them first.",
    "I promised a date without asking the team. Lesson: estimate together.",
    "My demo crashed in front of the client. We laughed, and I learned to rehearse on the real setup.",
    "I spent two days on the wrong bug because I didn't ask for help sooner.",
    "I forgot to loop in design and we rebuilt the screen. Early reviews from now on.",
)
FEEDBACK = (
    "Meetings move fast and it is hard to get a word in.",
    "I worry that questions make me look junior.",
    "Decisions are sometimes made before the discussion.",
    "It helps when leads admit their own mistakes.",
    "Please give us more time to think before asking for opinions.",
    "Retro actions get forgotten, so speaking up feels pointless.",
    "I like the new check-ins, they make it easier to say how I'm doing.",
)


@dataclass(frozen=True)
class Persona:
    """How one simulated person answers: their mood drifts up with `progress` from 0 to 1."""

    person: Person
    base_mood: float
    openness: float  # chance of answering and of sharing a story

    def mood(self, progress: float, rng: random.Random) -> int:
        """Return this week's mood from 1 to 5."""
        return max(1, min(5, round(self.base_mood + 1.4 * progress + rng.uniform(-0.8, 0.8))))

    def agrees(self, progress: float, rng: random.Random) -> int:
        """Return how safe they feel this week on a 1..7 scale (before reverse scoring)."""
        return max(1, min(7, round(3.2 + 2.6 * progress + rng.uniform(-1.2, 1.2))))


def personas(seed: int) -> list[Persona]:
    """Return the simulated people, each with a different starting point."""
    rng = random.Random(seed)
    return [
        Persona(person=p, base_mood=rng.uniform(2.2, 3.2), openness=rng.uniform(0.75, 0.98))
        for p in DEMO_PEOPLE
    ]


def create_demo_team(
    *, session: Session, timezone: str = "Europe/Berlin", extra_people: tuple[Person, ...] = ()
) -> Team:
    """Create the demo team, its listed members and its four rituals.

    The members are listed, not read from the room, so any process on the demo database (e.g.
    `haven rituals run`) invites all eight, not only the people of a room it does not know.
    """
    workspace = get_or_create_workspace(session=session, platform="console", external_id="local")
    workspace.name = "Haven demo"
    team = Team(
        workspace_id=workspace.id,
        name=DEMO_TEAM,
        channel=DEMO_ROOM,
        timezone=timezone,
        threshold_numbers=3,
        threshold_texts=5,
        members_from_channel=False,
    )
    session.add(team)
    session.flush()
    for person in (*DEMO_PEOPLE, *extra_people):
        upsert_member(
            session=session,
            team_id=team.id,
            platform_user_id=person.user_id,
            display_name=person.display_name,
            is_leader=person.user_id == "lea",
        )
    for kind, schedule, mode, question in DEMO_RITUALS:
        session.add(
            Ritual(
                team_id=team.id,
                name=kind,
                kind=kind,
                schedule=schedule,
                mode=mode,
                question=question,
            )
        )
    session.commit()
    return team
