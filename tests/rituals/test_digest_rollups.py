"""The digest shows the same figures read from the rollups as read from the answers they sum."""

import random

import pytest
from sqlalchemy import text

import storage.aggregates
from rituals.digest import iter_digests
from storage.rollups import rebuild_rollups, refresh_rollups
from tests.conftest import make_ritual, make_team
from tests.rituals import digest_helpers
from tests.rituals.digest_helpers import anonymous, checkins, occurrence, pulse, weeks_from

WEEKS = weeks_from("2026-W44", 12)  # across the new year
CYCLE = ((1, 2), (3, 4), (5, 6), (7,))


def random_teams(session, rng: random.Random) -> list[int]:
    """Add teams of 3 to 8 people (some pooled, some not) with a season of random answers."""
    team_ids = []
    for number in range(4):
        team = make_team(session, name=f"T{number}", threshold_numbers=rng.choice([3, 4]))
        team_ids.append(team.id)
        checkin = make_ritual(session, team, "checkin")
        safety = make_ritual(session, team, "safety_pulse")
        questions = make_ritual(session, team, "anonymous_feedback")
        users = ["ULEAD", *(f"U{number}{n}" for n in range(rng.randint(2, 7)))]
        for position, week in enumerate(WEEKS):
            for day in range(rng.randint(0, 3)):
                present = [u for u in users if rng.random() < 0.7]
                texts = {u: ("w", rng.choice([None, -0.6, 0.1, 0.5])) for u in present}
                moods = {u: rng.randint(1, 5) for u in present}
                checkins(session, team, checkin, week, moods, day=day, texts=texts)
            if rng.random() < 0.85:
                items = CYCLE[position % len(CYCLE)]
                scores = {
                    i: {u: rng.randint(1, 7) for u in users if rng.random() < 0.75} for i in items
                }
                pulse(session, team, safety, week, scores, invited=len(users))
            if rng.random() < 0.2:
                asked = occurrence(session, questions, week, day=3, invited=len(users))
                anonymous(session, asked, "feedback", [rng.choice([None, -0.5, 0.4])] * 5)
    return team_ids


def documents(session) -> list[dict[str, object]]:
    return [
        d.as_dict() for d in iter_digests(session=session, first_week=WEEKS[2], last_week=WEEKS[-1])
    ]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_rollups_written_at_close_or_rebuilt_give_the_digests_of_the_answers(
    session, monkeypatch, seed
):
    monkeypatch.setattr(digest_helpers, "ROLL_UP", False)
    rng = random.Random(seed)
    team_ids = random_teams(session, rng)
    from_answers = documents(session)  # nothing rolled up: every team read from its answers

    read: list[int] = []
    week_sums = storage.aggregates._week_sums
    monkeypatch.setattr(
        storage.aggregates, "_week_sums", lambda *args: read.append(args[2]) or week_sums(*args)
    )
    rebuild_rollups(session.connection())
    session.commit()
    assert documents(session) == from_answers
    assert read == []

    session.connection().execute(text("DELETE FROM teamitemrollup"))
    session.connection().execute(text("DELETE FROM teamweekrollup"))
    closes = [(team_id, week) for team_id in team_ids for week in WEEKS]
    rng.shuffle(closes)  # rounds close in any order: a week's refresh also redoes the next
    for team_id, week in closes:
        refresh_rollups(session=session, team_id=team_id, iso_week=week)
    assert documents(session) == from_answers
    assert read == []
