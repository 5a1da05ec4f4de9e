"""Build a team's weeks of answers row by row, so digest tests can be computed by hand."""

from datetime import UTC, datetime, time, timedelta

from sqlmodel import Session

from rituals.anonymity import new_anonymous_key
from rituals.clock import week_monday
from storage.models import AnonymousAnswer, Answer, Member, Occurrence, Ritual, Story, Team
from storage.rollups import refresh_rollups
from storage.teams import upsert_member

ROLL_UP = True  # refresh the week's rollups after adding answers, as the close of a round does


def person(session: Session, team: Team, user_id: str, *, leader: bool = False) -> Member:
    """Return the team's member with this user id, creating them."""
    return upsert_member(
        session=session, team_id=team.id, platform_user_id=user_id, is_leader=leader or None
    )


def occurrence(
    session: Session,
    ritual: Ritual,
    iso_week: str,
    *,
    day: int = 0,
    invited: int = 0,
    pulse_items: str = "",
) -> Occurrence:
    """Add a closed occurrence of the ritual on a day of the ISO week."""
    at = datetime.combine(week_monday(iso_week) + timedelta(days=day), time(9), UTC)
    found = Occurrence(
        ritual_id=ritual.id,
        scheduled_at=at,
        closes_at=at + timedelta(hours=4),
        iso_week=iso_week,
        status="closed",
        invited_count=invited,
        pulse_items=pulse_items,
    )
    session.add(found)
    session.flush()
    return found


def checkins(
    session: Session,
    team: Team,
    ritual: Ritual,
    iso_week: str,
    moods: dict[str, int],
    *,
    day: int = 0,
    invited: int | None = None,
    texts: dict[str, tuple[str, float | None]] | None = None,
) -> Occurrence:
    """Add one check-in occurrence where each user gave this mood (and maybe a scored word)."""
    found = occurrence(
        session, ritual, iso_week, day=day, invited=len(moods) if invited is None else invited
    )
    for user, mood in moods.items():
        text, sentiment = (texts or {}).get(user, (None, None))
        session.add(
            Answer(
                occurrence_id=found.id,
                member_id=person(session, team, user).id,
                mood=mood,
                text=text,
                sentiment=sentiment,
                answered_at=found.scheduled_at,
            )
        )
    session.commit()
    closed(session, team, found)
    return found


def pulse(
    session: Session,
    team: Team,
    ritual: Ritual,
    iso_week: str,
    scores: dict[int, dict[str, int]],
    *,
    invited: int = 5,
) -> Occurrence:
    """Add one safety pulse where each user gave these raw (not reverse-scored) answers."""
    found = occurrence(
        session, ritual, iso_week, day=2, invited=invited, pulse_items=",".join(map(str, scores))
    )
    for item, answers in scores.items():
        for user, score in answers.items():
            session.add(
                Answer(
                    occurrence_id=found.id,
                    member_id=person(session, team, user).id,
                    item=item,
                    score=score,
                    answered_at=found.scheduled_at,
                )
            )
    session.commit()
    closed(session, team, found)
    return found


def closed(session: Session, team: Team, found: Occurrence) -> None:
    """Do what closing the round does to the digest's sums: refresh its week's rollups."""
    if ROLL_UP:
        refresh_rollups(session=session, team_id=team.id, iso_week=found.iso_week)


def story(
    session: Session, team: Team, ritual: Ritual, found: Occurrence, user: str, ref: str
) -> None:
    """Add a failure story shared by name."""
    session.add(
        Story(
            occurrence_id=found.id,
            member_id=person(session, team, user).id,
            message_ref=ref,
            text="I broke the build and learned to run the tests first.",
            shared_at=found.scheduled_at,
        )
    )
    session.commit()


def anonymous(
    session: Session, found: Occurrence, kind: str, sentiments: list[float | None]
) -> None:
    """Add anonymous answers (released when feedback) with these sentiments."""
    for sentiment in sentiments:
        session.add(
            AnonymousAnswer(
                key=new_anonymous_key(),
                occurrence_id=found.id,
                kind=kind,
                text="an anonymous answer",
                sentiment=sentiment,
                answered_on=found.scheduled_at.date(),
                released=kind == "feedback",
            )
        )
    session.commit()


def weeks_from(first: str, count: int) -> list[str]:
    """Return count consecutive ISO weeks starting with first."""
    from rituals.clock import iso_week_of

    monday = week_monday(first)
    return [iso_week_of(monday + timedelta(weeks=n)) for n in range(count)]
