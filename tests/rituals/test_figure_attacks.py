"""Attacks on published figures: subtracting trend points, and a week read at two moments."""

import random
from fractions import Fraction

import time_machine
from sqlmodel import select

from rituals.digest import build_digest, iter_digests
from rituals.figures.audit import determined
from rituals.figures.history import load_history
from rituals.pulse_items import items_for_sequence
from rituals.signals import compute_week_signals
from storage.aggregates import iter_team_aggregates
from storage.models import Answer, Member, Occurrence
from storage.models_figures import FigureAudit
from storage.rollups import refresh_rollups
from tests.conftest import make_ritual, make_team
from tests.rituals.adversary import mean_of_people, revealed
from tests.rituals.digest_helpers import checkins, occurrence, person, pulse, weeks_from


def mood_equations(figures, answered_in):
    """Return one equation per published mood figure, over the people the attacker saw answer."""
    equations = []
    for weeks, _value in figures:
        people = set().union(*(answered_in[week] for week in weeks))
        equations.append(mean_of_people(people))
    return equations


def published_mood(document):
    """Return every mood figure a digest shows: this week's and each point of its trend."""
    shown = [(point.weeks, point.value) for point in document.mood.trend]
    if document.mood.current.shown:
        shown.append((document.mood.current.weeks, document.mood.current.value))
    return shown


def test_a_member_who_left_cannot_be_subtracted_out_of_the_trend(session):
    team = make_team(session)
    ritual = make_ritual(session, team, "checkin")
    everyone = {"A": 4, "B": 4, "C": 3, "D": 1}
    checkins(session, team, ritual, "2026-W46", everyone)
    checkins(session, team, ritual, "2026-W47", everyone)
    leaver = session.exec(select(Member).where(Member.platform_user_id == "D")).one()
    leaver.active = False
    session.add(leaver)
    session.commit()
    checkins(session, team, ritual, "2026-W48", {"A": 4, "B": 4, "C": 3})
    answered_in = {"2026-W46": set("ABCD"), "2026-W47": set("ABCD"), "2026-W48": set("ABC")}

    document = build_digest(session=session, team_id=team.id, iso_week="2026-W48")

    figures = published_mood(document)
    assert revealed(mood_equations(figures, answered_in)) == set()
    assert ("2026-W47",) in [weeks for weeks, _ in figures]  # the history is still shown
    # The week of A, B and C alone is never shown: it is pooled with the week before it.
    assert ("2026-W48",) not in [weeks for weeks, _ in figures]
    assert document.mood.current.weeks == ("2026-W47", "2026-W48")


def test_a_week_read_while_its_round_is_open_shows_no_figure_to_subtract_later(session):
    team = make_team(session)
    ritual = make_ritual(session, team, "checkin")
    with time_machine.travel("2026-11-19 12:00Z", tick=False):
        round_ = occurrence(session, ritual, "2026-W47", day=2, invited=4)
        round_.status = "open"
        session.add(round_)
        for user, mood in {"A": 4, "B": 4, "C": 3}.items():
            session.add(
                Answer(
                    occurrence_id=round_.id,
                    member_id=person(session, team, user).id,
                    mood=mood,
                    answered_at=round_.scheduled_at,
                )
            )
        session.commit()
        first = compute_week_signals(session=session, team=team, iso_week="2026-W47")
        session.add(
            Answer(
                occurrence_id=round_.id,
                member_id=person(session, team, "D").id,
                mood=1,
                answered_at=round_.scheduled_at,
            )
        )
        session.commit()
        second = compute_week_signals(session=session, team=team, iso_week="2026-W47")
    assert first.respondents == 3 and second.respondents == 4  # live counts are fine
    assert first.mean_mood is None and second.mean_mood is None
    assert "not final" in first.withheld["mean_mood"]

    with time_machine.travel("2026-11-30 12:00Z", tick=False):
        closed = session.get(Occurrence, round_.id)
        closed.status = "closed"
        session.add(closed)
        session.commit()
        refresh_rollups(session=session, team_id=team.id, iso_week="2026-W47")
        final = compute_week_signals(session=session, team=team, iso_week="2026-W47")
    assert final.mean_mood == 3.0
    published = [
        (set("ABC"), first.mean_mood),
        (set("ABCD"), second.mean_mood),
        (set("ABCD"), final.mean_mood),
    ]
    equations = [mean_of_people(people) for people, value in published if value is not None]
    assert revealed(equations) == set()


def test_the_signals_are_the_digests_figures(session):
    team = make_team(session)
    ritual = make_ritual(session, team, "checkin")
    checkins(session, team, ritual, "2026-W46", {"A": 4, "B": 2})
    checkins(session, team, ritual, "2026-W47", {"A": 4, "C": 3})
    checkins(session, team, ritual, "2026-W48", {"A": 5, "B": 4, "C": 3, "D": 2})

    for week in ("2026-W46", "2026-W47", "2026-W48"):
        document = build_digest(session=session, team_id=team.id, iso_week=week)
        signals = compute_week_signals(session=session, team=team, iso_week=week)
        assert signals.mean_mood == document.mood.current.value
        assert signals.participation_rate == document.participation.current.value
    pooled = compute_week_signals(session=session, team=team, iso_week="2026-W47")
    assert pooled.mean_mood == 3.0  # A 4, B 2 and C 3 over both weeks, as the digest shows
    assert pooled.windows == {"mean_mood": "2026-W46–2026-W47"}


def test_revealed_finds_a_difference_of_two_sums():
    assert revealed([mean_of_people("ABCD"), mean_of_people("ABC")]) == {"D"}
    assert revealed([mean_of_people("AB"), mean_of_people("BC")]) == set()
    three = [mean_of_people("AB"), mean_of_people("BC"), mean_of_people("AC")]
    assert revealed(three) == set("ABC")
    assert revealed([{"A": Fraction(1, 2), "B": Fraction(1, 2)}, {"B": 1}]) == {"A", "B"}


def test_the_audits_integer_solver_agrees_with_the_exact_adversary():
    rng = random.Random(7)
    for _ in range(400):
        people = rng.randint(3, 9)
        equations = [
            {p: rng.randint(1, 3) for p in range(people) if rng.random() < 0.6}
            for _ in range(rng.randint(1, 9))
        ]
        equations = [equation for equation in equations if equation]
        assert determined(equations) == revealed(equations), equations


def test_the_kept_audit_decisions_give_the_figures_a_full_replay_gives(session):
    team = make_team(session)
    ritual = make_ritual(session, team, "checkin")
    rng = random.Random(3)
    weeks = weeks_from("2026-W30", 12)
    for week in weeks:
        present = [u for u in ("U1", "U2", "U3", "U4", "U5") if rng.random() < 0.8]
        checkins(session, team, ritual, week, {u: rng.randint(1, 5) for u in present})

    def every_digest(through):
        return list(iter_digests(session=session, first_week=weeks[0], last_week=through))

    replayed = every_digest(weeks[-1])
    for row in session.exec(select(FigureAudit)).all():
        session.delete(row)
    session.commit()
    every_digest(weeks[5])  # keeps decisions through the sixth week only
    session.commit()
    assert {row.through_week for row in session.exec(select(FigureAudit))} <= set(weeks[:6])
    assert every_digest(weeks[-1]) == replayed  # continued from the kept decisions
    kept = session.exec(select(FigureAudit).where(FigureAudit.measure == "mood")).one()
    assert kept.through_week == weeks[-1]


def test_a_digest_that_reads_only_from_its_kept_decisions_equals_a_full_replay(session):
    team = make_team(session)
    checkin = make_ritual(session, team, "checkin")
    pulse_ritual = make_ritual(session, team, "safety_pulse")
    rng = random.Random(11)
    weeks = weeks_from("2025-W20", 40)
    for number, week in enumerate(weeks):
        present = [u for u in ("U1", "U2", "U3", "U4", "U5", "U6") if rng.random() < 0.8]
        texts = {u: ("word", rng.choice([0.5, -0.4, None])) for u in present}
        checkins(session, team, checkin, week, {u: rng.randint(1, 5) for u in present}, texts=texts)
        items = items_for_sequence(number)
        pulse(
            session,
            team,
            pulse_ritual,
            week,
            {item: {u: rng.randint(1, 7) for u in present} for item in items},
        )
    last = weeks[-1]
    list(iter_digests(session=session, first_week=weeks[0], last_week=weeks[-3]))
    session.commit()  # decisions kept through the third-last week, as the weekly job does
    aggregates = next(iter_team_aggregates(session=session, weeks=[last], team_ids=[team.id]))
    read_from = load_history(
        session=session, aggregates=aggregates, last_week=last, first_read=weeks[-12]
    ).starts
    assert read_from and min(read_from.values()) > weeks[0]  # the year is not read again
    continued = build_digest(session=session, team_id=team.id, iso_week=last)
    for row in session.exec(select(FigureAudit)).all():
        session.delete(row)
    session.commit()
    assert build_digest(session=session, team_id=team.id, iso_week=last) == continued
