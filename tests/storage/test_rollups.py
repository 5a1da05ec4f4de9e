"""Rollups follow the answers: written at close, rewritten idempotently, read only when current."""

import random
from dataclasses import fields
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlmodel import select

import storage.aggregates
from rituals import checkin
from rituals.context import RitualScope
from rituals.digest import build_digest
from rituals.lifecycle import close_occurrence, open_occurrence
from storage.answer_sums import WEEK_FIELDS
from storage.models_rollups import TeamItemRollup, TeamWeekRollup
from storage.rollups import rebuild_rollups, refresh_if_stale, refresh_rollups
from storage.team_aggregates import WeekAnswers
from tests.conftest import MONDAY_10_BERLIN, make_ritual, make_team
from tests.rituals import digest_helpers
from tests.rituals.digest_helpers import checkins, pulse, weeks_from

NOW = MONDAY_10_BERLIN + timedelta(minutes=1)
WEEK = "2026-W48"  # the week of MONDAY_10_BERLIN


def rows(session):
    """Return every rollup row as plain tuples, in key order."""
    weeks = session.exec(
        select(TeamWeekRollup).order_by(TeamWeekRollup.team_id, TeamWeekRollup.iso_week)
    ).all()
    items = session.exec(
        select(TeamItemRollup).order_by(
            TeamItemRollup.team_id, TeamItemRollup.iso_week, TeamItemRollup.item
        )
    ).all()
    session.expire_all()  # the next read sees what the database holds, not these objects
    return [
        tuple(round(v, 9) if isinstance(v, float) else v for v in row.model_dump().values())
        for row in [*weeks, *items]
    ]


def week_row(session, team, week) -> TeamWeekRollup | None:
    found = session.get(TeamWeekRollup, (team.id, week))
    session.expire_all()
    return found


async def open_checkin(session, notifiers):
    team = make_team(session)
    ritual = make_ritual(session, team, "checkin", mode="private")
    occurrence = await open_occurrence(
        session=session,
        notifiers=notifiers,
        ritual_id=ritual.id,
        scheduled_at=MONDAY_10_BERLIN,
        now=NOW,
    )
    return team, RitualScope.of_ritual(session=session, ritual_id=ritual.id), occurrence


async def answer(session, notifiers, scope, occurrence, moods):
    for user, mood in moods.items():
        await checkin.record(
            scope=scope, occurrence=occurrence, notifiers=notifiers, user_id=user, mood=mood
        )


@pytest.fixture
def answers_read(monkeypatch):
    """Count the teams whose weeks the digest had to read from the answers."""
    teams: list[int] = []
    read = storage.aggregates._week_sums

    def counting(connection, weeks, team_id):
        teams.append(team_id)
        return read(connection, weeks, team_id)

    monkeypatch.setattr(storage.aggregates, "_week_sums", counting)
    return teams


async def test_a_close_rolls_up_the_final_answers_and_a_refresh_again_changes_nothing(
    session, notifiers
):
    team, scope, occurrence = await open_checkin(session, notifiers)
    await answer(session, notifiers, scope, occurrence, {"U1": 2, "U2": 4, "U3": 3})
    await answer(session, notifiers, scope, occurrence, {"U1": 5})  # changed while open
    assert week_row(session, team, WEEK) is None
    await close_occurrence(session=session, notifiers=notifiers, occurrence_id=occurrence.id)
    row = week_row(session, team, WEEK)
    assert (row.closed_occurrences, row.respondents, row.answered, row.mood_people) == (1, 3, 3, 3)
    assert row.mood_sum_of_means == 12.0  # 5 + 4 + 3: U1's first answer is gone
    written = rows(session)
    refresh_rollups(session=session, team_id=team.id, iso_week=WEEK)
    assert (
        await close_occurrence(session=session, notifiers=notifiers, occurrence_id=occurrence.id)
        is None
    )  # a retried close
    assert rows(session) == written


async def test_an_open_week_is_read_from_its_answers_until_it_closes(
    session, notifiers, answers_read
):
    team, scope, occurrence = await open_checkin(session, notifiers)
    await answer(session, notifiers, scope, occurrence, {"U1": 2, "U2": 4, "U3": 3})
    while_open = build_digest(session=session, team_id=team.id, iso_week=WEEK)
    assert while_open.respondents == 3  # a live count; the mood waits for the close
    assert while_open.mood.current.withheld.startswith("not final")
    await answer(session, notifiers, scope, occurrence, {"U4": 5})
    assert build_digest(session=session, team_id=team.id, iso_week=WEEK).respondents == 4
    assert answers_read == [team.id, team.id]
    await close_occurrence(session=session, notifiers=notifiers, occurrence_id=occurrence.id)
    assert build_digest(session=session, team_id=team.id, iso_week=WEEK).mood.current.value == 3.5
    assert answers_read == [team.id, team.id]  # closed and rolled up: read from the rollup


async def test_a_retried_close_finishes_a_refresh_that_did_not_run(
    session, notifiers, monkeypatch, answers_read
):
    team, scope, occurrence = await open_checkin(session, notifiers)
    await answer(session, notifiers, scope, occurrence, {"U1": 1, "U2": 2, "U3": 3})

    def fail(**_):
        raise ConnectionError("the database went away")

    monkeypatch.setattr("rituals.lifecycle.refresh_rollups", fail)
    with pytest.raises(ConnectionError):
        await close_occurrence(session=session, notifiers=notifiers, occurrence_id=occurrence.id)
    session.rollback()
    assert week_row(session, team, WEEK) is None
    # closed but not rolled up: the digest still counts every answer, from the answers
    assert build_digest(session=session, team_id=team.id, iso_week=WEEK).mood.current.value == 2.0
    assert answers_read == [team.id]
    monkeypatch.undo()
    await close_occurrence(session=session, notifiers=notifiers, occurrence_id=occurrence.id)
    assert week_row(session, team, WEEK).mood_sum_of_means == 6.0
    assert not refresh_if_stale(session=session, team_id=team.id, iso_week=WEEK)


def test_a_late_close_in_a_week_updates_who_was_there_the_week_after(session):
    team = make_team(session)
    ritual = make_ritual(session, team, "checkin")
    w1, w2 = weeks_from("2026-W40", 2)
    checkins(session, team, ritual, w1, {"U1": 3, "U2": 3, "U3": 3})
    checkins(session, team, ritual, w2, {"U1": 4, "U2": 4, "U3": 4, "U4": 4})
    assert week_row(session, team, w2).respondents_kept == 3
    checkins(session, team, ritual, w1, {"U4": 2}, day=4)  # a round of w1 closing late
    assert week_row(session, team, w2).respondents_kept == 4
    written = rows(session)
    rebuild_rollups(session.connection())
    session.commit()
    assert rows(session) == written


def test_rebuilding_every_week_gives_the_rows_each_close_wrote(session):
    rng = random.Random(7)
    weeks = weeks_from("2026-W50", 6)  # across the new year: 2026 has 53 ISO weeks
    for name in ("A", "B"):
        team = make_team(session, name=name)
        checkin_ritual = make_ritual(session, team, "checkin")
        safety = make_ritual(session, team, "safety_pulse")
        users = [f"{name}{n}" for n in range(5)]
        for week in weeks:
            for day in range(2):
                present = [u for u in users if rng.random() < 0.7]
                texts = {u: ("w", rng.choice([None, -0.3, 0.6])) for u in present}
                moods = {u: rng.randint(1, 5) for u in present}
                checkins(session, team, checkin_ritual, week, moods, day=day, texts=texts)
            scores = {
                i: {u: rng.randint(1, 7) for u in users if rng.random() < 0.8} for i in (1, 2)
            }
            pulse(session, team, safety, week, scores)
    written = rows(session)
    assert len(written) == 2 * 6 + 2 * 6 * 2
    rebuild_rollups(session.connection())
    session.commit()
    assert rows(session) == written


def test_a_team_week_without_answers_is_rolled_up_as_zeros(session):
    team = make_team(session)
    ritual = make_ritual(session, team, "checkin")
    found = checkins(session, team, ritual, WEEK, {})
    row = week_row(session, team, found.iso_week)
    assert (row.closed_occurrences, row.respondents, row.mood_sum_of_means) == (1, 0, 0.0)


def test_nothing_to_rebuild_in_an_empty_database(session):
    rebuild_rollups(session.connection())
    assert session.connection().execute(text("SELECT count(*) FROM teamweekrollup")).scalar() == 0


@pytest.fixture(autouse=True)
def _rolled_up_at_close(monkeypatch):
    monkeypatch.setattr(digest_helpers, "ROLL_UP", True)


def test_the_rollup_columns_are_the_week_sums_in_order():
    assert tuple(field.name for field in fields(WeekAnswers))[1:] == WEEK_FIELDS
    assert tuple(TeamWeekRollup.model_fields)[3:] == WEEK_FIELDS
