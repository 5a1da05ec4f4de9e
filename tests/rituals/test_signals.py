"""Weekly signals against hand-computed values, with every anonymity threshold applied."""

from datetime import timedelta

import pytest
import time_machine
from sqlmodel import select

from rituals import checkin, feedback, pulse
from rituals.context import RitualScope
from rituals.figures.finality import week_end
from rituals.lifecycle import close_occurrence, open_occurrence
from rituals.pulse_items import items_for_sequence, safety_index, scored
from rituals.signals import compute_week_signals
from storage.models import Occurrence, Ritual
from storage.rollups import refresh_rollups
from tests.conftest import MONDAY_10_BERLIN, make_ritual, make_team

NOW = MONDAY_10_BERLIN + timedelta(minutes=1)


def final_signals(session, team, iso_week):
    """Close the team's open rounds, then read the week's signals once it is over."""
    open_rounds = session.exec(
        select(Occurrence)
        .join(Ritual, Ritual.id == Occurrence.ritual_id)
        .where(Ritual.team_id == team.id, Occurrence.status == "open")
    ).all()
    for found in open_rounds:
        found.status = "closed"
        session.add(found)
    session.commit()
    for week in {found.iso_week for found in open_rounds}:
        refresh_rollups(session=session, team_id=team.id, iso_week=week)
    with time_machine.travel(week_end(iso_week, team.timezone) + timedelta(days=1), tick=False):
        return compute_week_signals(session=session, team=team, iso_week=iso_week)


def test_reverse_scored_items_are_flipped():
    assert [scored(1, 2), scored(3, 7), scored(5, 1)] == [6, 1, 7]
    assert [scored(2, 2), scored(4, 7), scored(6, 1), scored(7, 5)] == [2, 7, 1, 5]
    with pytest.raises(ValueError):
        scored(2, 8)


def test_safety_index_is_the_mean_of_item_means_on_0_to_100():
    assert safety_index(dict.fromkeys(range(1, 8), 7.0)) == 100.0
    assert safety_index(dict.fromkeys(range(1, 8), 1.0)) == 0.0
    # item means sum to 29 → mean 29/7 = 4.142857 → (4.142857 - 1) / 6 * 100 = 52.38 → 52.4
    assert safety_index({1: 4.0, 2: 5.0, 3: 6.0, 4: 3.0, 5: 4.0, 6: 2.0, 7: 5.0}) == 52.4
    with pytest.raises(ValueError, match=r"\[7\]"):
        safety_index({n: 4.0 for n in range(1, 7)})


def test_every_item_is_asked_once_per_four_week_cycle():
    cycle = [item for sequence in range(4) for item in items_for_sequence(sequence)]
    assert sorted(cycle) == [1, 2, 3, 4, 5, 6, 7]
    assert items_for_sequence(4) == items_for_sequence(0)


async def run_pulse_cycle(session, notifiers, answers_by_item):
    """Run four weekly pulses where each user answers each item as given."""
    team = make_team(session)
    ritual = make_ritual(session, team, "safety_pulse")
    last = None
    for week in range(4):
        moment = MONDAY_10_BERLIN + timedelta(weeks=week)
        occurrence = await open_occurrence(
            session=session,
            notifiers=notifiers,
            ritual_id=ritual.id,
            scheduled_at=moment,
            now=moment,
        )
        scope = RitualScope.of_ritual(session=session, ritual_id=ritual.id)
        for item in pulse.asked_items(occurrence):
            for user, score in answers_by_item[item].items():
                pulse.record(
                    scope=scope, occurrence=occurrence, user_id=user, item=item, score=score
                )
        last = occurrence
    return team, last


async def test_safety_index_over_a_complete_cycle_matches_a_hand_computation(session, notifiers):
    raw = {
        item: {"U1": 2, "U2": 3, "U3": 4} for item in (1, 3, 5)
    }  # reverse-scored: 6, 5, 4 → mean 5
    raw |= {item: {"U1": 5, "U2": 6, "U3": 7} for item in (2, 4, 6, 7)}  # mean 6
    team, last = await run_pulse_cycle(session, notifiers, raw)
    signals = final_signals(session, team, last.iso_week)
    # item means: 5,6,5,6,5,6,6 → mean 39/7 = 5.5714 → (5.5714-1)/6*100 = 76.2
    assert signals.safety_index == 76.2
    assert "safety_index" not in signals.withheld


async def test_safety_index_is_withheld_when_an_item_has_fewer_than_k_answers(session, notifiers):
    raw = {item: {"U1": 4, "U2": 4, "U3": 4} for item in range(1, 8)}
    raw[7] = {"U1": 4, "U2": 4}
    team, last = await run_pulse_cycle(session, notifiers, raw)
    signals = final_signals(session, team, last.iso_week)
    assert signals.safety_index is None
    assert signals.withheld["safety_index"].startswith(
        "withheld: item 7 from 2 of the needed 3 people"
    )


async def test_safety_index_waits_for_a_complete_cycle(session, notifiers):
    team = make_team(session)
    ritual = make_ritual(session, team, "safety_pulse")
    occurrence = await open_occurrence(
        session=session,
        notifiers=notifiers,
        ritual_id=ritual.id,
        scheduled_at=MONDAY_10_BERLIN,
        now=NOW,
    )
    signals = final_signals(session, team, occurrence.iso_week)
    assert signals.safety_index is None
    assert signals.withheld["safety_index"].startswith(
        "cycle incomplete: item(s) 1, 2, 3, 4, 5, 6, 7"
    )


async def test_mood_and_sentiment_are_withheld_below_k_and_shown_from_k(session, notifiers):
    team = make_team(session, threshold_numbers=3)
    ritual = make_ritual(session, team, "checkin", mode="private")
    occurrence = await open_occurrence(
        session=session,
        notifiers=notifiers,
        ritual_id=ritual.id,
        scheduled_at=MONDAY_10_BERLIN,
        now=NOW,
    )
    scope = RitualScope.of_ritual(session=session, ritual_id=ritual.id)
    await checkin.record(
        scope=scope,
        occurrence=occurrence,
        notifiers=notifiers,
        user_id="U1",
        mood=1,
        text="awful week",
    )
    await checkin.record(
        scope=scope,
        occurrence=occurrence,
        notifiers=notifiers,
        user_id="U2",
        mood=5,
        text="great week",
    )
    two = compute_week_signals(session=session, team=team, iso_week=occurrence.iso_week)
    assert (two.mean_mood, two.mean_sentiment) == (None, None)
    assert two.withheld["mean_mood"].startswith("not final")  # the round is still open
    await checkin.record(
        scope=scope,
        occurrence=occurrence,
        notifiers=notifiers,
        user_id="U3",
        mood=3,
        text="the meeting is at ten",
    )
    three = final_signals(session, team, occurrence.iso_week)
    assert three.mean_mood == 3.0
    assert three.mean_sentiment is None  # only two texts with a signal
    # "the meeting is at ten" carries no sentiment: not counted as 0, nor shown from two people
    assert three.withheld["mean_sentiment"].startswith("withheld: sentiment from 2 of the needed 3")
    assert three.participation_rate == round(3 / 6, 3)


async def test_participation_counts_anonymous_answers_without_knowing_who(session, notifiers):
    team = make_team(session)
    ritual = make_ritual(session, team, "anonymous_feedback")
    occurrence = await open_occurrence(
        session=session,
        notifiers=notifiers,
        ritual_id=ritual.id,
        scheduled_at=MONDAY_10_BERLIN,
        now=NOW,
    )
    scope = RitualScope.of_ritual(session=session, ritual_id=ritual.id)
    for n in range(1, 6):
        feedback.record(scope=scope, occurrence=occurrence, user_id=f"U{n}", text=f"idea {n}")
    await close_occurrence(
        session=session, notifiers=notifiers, occurrence_id=occurrence.id, now=NOW
    )
    signals = final_signals(session, team, occurrence.iso_week)
    assert (signals.participation_rate, signals.anonymous_items) == (round(5 / 6, 3), 5)


async def test_a_team_smaller_than_k_shows_no_participation(session, notifiers, console):
    console.rooms["team-room"] = console.rooms["team-room"][:1]
    team = make_team(session)
    ritual = make_ritual(session, team, "checkin")
    occurrence = await open_occurrence(
        session=session,
        notifiers=notifiers,
        ritual_id=ritual.id,
        scheduled_at=MONDAY_10_BERLIN,
        now=NOW,
    )
    signals = final_signals(session, team, occurrence.iso_week)
    assert signals.participation_rate is None
    assert "participation" in signals.withheld["participation_rate"]
