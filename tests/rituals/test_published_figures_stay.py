"""A figure, once published, keeps its value: erasing a person or old answers changes none."""

import random
from datetime import timedelta

import time_machine

from rituals.digest import iter_digests
from rituals.figures.finality import week_end
from rituals.privacy.erasure import forget_person
from rituals.privacy.person import find_person
from rituals.privacy.retention import apply_retention, set_retention
from tests.conftest import make_ritual, make_team
from tests.rituals.digest_helpers import checkins, occurrence, story, weeks_from

WEEKS = weeks_from("2025-W40", 10)


def shown(session):
    """Return every mood and sentiment figure the digests of the ten weeks show."""
    return {
        (document.iso_week, name): (metric.current.weeks, metric.current.value)
        for document in iter_digests(session=session, first_week=WEEKS[0], last_week=WEEKS[-1])
        for name, metric in (("mood", document.mood), ("sentiment", document.sentiment))
        if metric.current.shown
    }


def a_team_with_ten_weeks(session):
    team = make_team(session)
    ritual = make_ritual(session, team, "checkin")
    rng = random.Random(5)
    for week in WEEKS:
        people = [u for u in ("U1", "U2", "U3", "U4", "U5", "U6") if rng.random() < 0.85]
        texts = {u: ("word", rng.choice([0.5, -0.4, 0.2])) for u in people}
        checkins(session, team, ritual, week, {u: rng.randint(1, 5) for u in people}, texts=texts)
    return team


def test_erasing_a_person_leaves_every_published_figure_as_it_was(session):
    a_team_with_ten_weeks(session)
    before = shown(session)
    session.commit()  # as the weekly digest job does: the decisions are kept
    assert len(before) >= 10
    forget_person(session=session, rows=find_person(session=session, user_id="U2"), relay_key=None)
    assert shown(session) == before


def test_old_answers_deleted_by_retention_change_no_published_figure(session):
    team = a_team_with_ten_weeks(session)
    before = shown(session)
    session.commit()
    set_retention(session=session, team_id=team.id, days=60)
    session.commit()
    later = week_end(WEEKS[-1], team.timezone) + timedelta(days=40)
    with time_machine.travel(later, tick=False):
        apply_retention(session=session, now=later)
        after = shown(session)
    recent = {key: figure for key, figure in before.items() if key[0] in WEEKS[-3:]}
    assert recent and all(after[key] == figure for key, figure in recent.items())


def test_erasing_a_person_leaves_the_counts_published_before(session):
    team = a_team_with_ten_weeks(session)
    thread = make_ritual(session, team, "failure_celebration", schedule="0 15 * * fri")
    for n, week in enumerate(WEEKS[-4:]):
        found = occurrence(session, thread, week, day=4)
        story(session, team, thread, found, "U2", f"ref-{n}")
    digests = {
        d.iso_week: d
        for d in iter_digests(session=session, first_week=WEEKS[-4], last_week=WEEKS[-1])
    }
    session.commit()
    assert {d.stories.current.value for d in digests.values()} == {1.0}
    forget_person(session=session, rows=find_person(session=session, user_id="U2"), relay_key=None)
    after = iter_digests(session=session, first_week=WEEKS[-4], last_week=WEEKS[-1])
    for document in after:
        before = digests[document.iso_week]
        assert document.stories.current == before.stories.current
        assert document.participation.current == before.participation.current
