"""The digest's numbers against hand computations, pooled windows, and anonymity attacks."""

import itertools
import json
import random
from collections import Counter

import pytest
from sqlmodel import select

from rituals.digest import build_digest, iter_digests, last_complete_week
from rituals.errors import InvalidAnswer
from rituals.figures.history import rounded
from rituals.figures.series import TeamSeries, load_history, weeks_read
from rituals.next_step import CONDITIONS, record_commitment
from rituals.signals import compute_week_signals
from storage.aggregates import iter_team_aggregates
from storage.models import Answer, Member, Occurrence
from storage.models_digest import LeaderCommitment
from tests.conftest import make_ritual, make_team
from tests.rituals import digest_helpers
from tests.rituals.adversary import mean_of_people, revealed
from tests.rituals.digest_helpers import anonymous, checkins, person, pulse, story, weeks_from

W = weeks_from("2026-W36", 14)  # W[0] = 2026-W36 ... W[13] = 2026-W49
RAISING = {
    item: {"U1": 2, "U2": 3, "U3": 4} if item in (1, 3, 5) else {"U1": 5, "U2": 6, "U3": 7}
    for item in range(1, 8)
}


@pytest.fixture(autouse=True, params=["rolled up at close", "read from the answers"])
def _weeks(request, monkeypatch):
    """Run every test on weeks rolled up when they closed, and on weeks not rolled up."""
    monkeypatch.setattr(digest_helpers, "ROLL_UP", request.param == "rolled up at close")


def digest(session, team, week):
    return build_digest(session=session, team_id=team.id, iso_week=week)


def test_the_digest_describes_the_week_that_just_ended():
    assert last_complete_week("2026-W48") == "2026-W47"
    assert last_complete_week("2027-W01") == "2026-W53"


def test_mood_counts_each_person_once_and_sentiment_skips_texts_without_signal(session):
    team = make_team(session)
    ritual = make_ritual(session, team, "checkin")
    texts = {"U1": ("awful", -0.6), "U2": ("great", 0.8), "U3": ("fine", 0.4)}
    checkins(session, team, ritual, W[0], {"U1": 1, "U2": 4, "U3": 4}, invited=4, texts=texts)
    checkins(
        session,
        team,
        ritual,
        W[0],
        {"U1": 1},
        day=1,
        invited=4,
        texts={"U1": ("the meeting", None)},
    )
    document = digest(session, team, W[0])
    # U1's mean is 1, U2's 4, U3's 4: (1 + 4 + 4) / 3 = 3.0 (the plain mean of answers is 2.5)
    assert document.mood.current.value == 3.0
    # texts with a signal: (-0.6 + 0.8 + 0.4) / 3 = 0.2; one of four texts carried none
    assert document.sentiment.current.value == 0.2
    assert document.no_signal_share == 0.25
    # 3 answered the first check-in and 1 the second, of 4 invited each: 4 / 8
    assert document.participation.current.value == 0.5
    assert document.mood.current.weeks == (W[0],)


async def test_safety_index_and_items_reverse_score_over_a_complete_cycle(session):
    team = make_team(session)
    ritual = make_ritual(session, team, "safety_pulse")
    for week, items in zip(W, ((1, 2), (3, 4), (5, 6), (7,)), strict=False):
        pulse(session, team, ritual, week, {item: RAISING[item] for item in items})
    early = digest(session, team, W[2])
    assert early.safety.current.value is None
    assert "cycle incomplete: item(s) 7" in early.safety.current.withheld
    document = digest(session, team, W[3])
    # reverse-scored items: 8-2, 8-3, 8-4 = 6, 5, 4 → 5.0; the others (5+6+7)/3 = 6.0
    assert {item.number: item.score for item in document.items} == {
        1: 5.0, 2: 6.0, 3: 5.0, 4: 6.0, 5: 5.0, 6: 6.0, 7: 6.0,
    }  # fmt: skip
    assert [item.reverse_scored for item in document.items] == [
        True, False, True, False, True, False, False,
    ]  # fmt: skip
    # mean of item means 39/7 = 5.571 → (5.571 - 1) / 6 * 100 = 76.2
    assert document.safety.current.value == 76.2
    assert document.safety.current.weeks == tuple(W[:4])


def test_a_small_teams_weeks_are_pooled_until_k_and_say_which_weeks(session):
    team = make_team(session)
    ritual = make_ritual(session, team, "checkin")
    checkins(session, team, ritual, W[0], {"U1": 2, "U2": 4}, invited=4)
    checkins(session, team, ritual, W[1], {"U1": 4, "U3": 5}, invited=4)
    checkins(session, team, ritual, W[2], {"U2": 1, "U3": 3}, invited=4)
    checkins(session, team, ritual, W[3], {"U2": 3}, invited=4)
    checkins(session, team, ritual, W[4], {"U1": 5}, invited=4)
    first = digest(session, team, W[0])
    assert first.mood.current.value is None
    assert "2 of the needed 3 people" in first.mood.current.withheld
    assert "pooling" in first.mood.current.withheld
    second = digest(session, team, W[1])
    # U1 (2+4)/2 = 3, U2 4, U3 5 → 4.0, over W36–W37
    assert (second.mood.current.value, second.mood.current.weeks) == (4.0, (W[0], W[1]))
    assert second.mood.current.window == f"{W[0]}–{W[1]}"
    assert digest(session, team, W[3]).mood.current.value is None
    fifth = digest(session, team, W[4])
    # U2 (1+3)/2 = 2, U3 3, U1 5 → 10/3 = 3.33, over W38–W40
    assert (fifth.mood.current.value, fifth.mood.current.weeks) == (3.33, (W[2], W[3], W[4]))
    assert [(p.weeks, p.value) for p in fifth.mood.trend] == [
        ((W[0], W[1]), 4.0),
        ((W[2], W[3], W[4]), 3.33),
    ]
    assert fifth.mood.change.value is None  # last week's figure was still pooling


def test_a_week_that_reaches_k_alone_never_reappears_inside_a_pool(session):
    team = make_team(session)
    ritual = make_ritual(session, team, "checkin")
    checkins(session, team, ritual, W[0], {"U1": 1, "U2": 5}, invited=4)
    checkins(session, team, ritual, W[1], {"U1": 3, "U2": 3, "U3": 3}, invited=4)
    checkins(session, team, ritual, W[2], {"U3": 2}, invited=4)
    windows = {
        week: d.mood.current.weeks if d.mood.current.shown else None
        for week in W[:4]
        for d in [digest(session, team, week)]
    }
    # W36's two answers are never shown: pooling them into W37 would make W37's figure
    # "W37 plus two people", and subtracting W37 alone from it would reveal them
    assert windows == {W[0]: None, W[1]: (W[1],), W[2]: None, W[3]: None}


def test_a_week_that_differs_from_a_shown_one_by_fewer_than_k_people_is_withheld(session):
    team = make_team(session)
    ritual = make_ritual(session, team, "checkin")
    same = {"U1": 3, "U2": 3, "U3": 3}
    checkins(session, team, ritual, W[0], same, invited=7)
    checkins(session, team, ritual, W[1], same | {"U4": 5}, invited=7)  # U4 joins
    checkins(session, team, ritual, W[2], same | {"U4": 4}, invited=7)  # same people
    checkins(session, team, ritual, W[3], {"U5": 1, "U6": 2, "U7": 1, **same}, invited=7)
    # 4 × 3.5 - 3 × 3.0 would be U4's mood: neither the figure nor its change may be shown
    for week in (W[1], W[2]):
        document = digest(session, team, week)
        assert document.mood.current.value is None
        assert "worked out" in document.mood.current.withheld
        assert document.mood.change.value is None
    assert digest(session, team, W[1]).participation.change.value is None
    # U4 left and U5, U6, U7 joined: three new people, whose sum alone is learnt
    last = digest(session, team, W[3])
    assert last.mood.current.value == 2.17  # 13/6
    assert [point.weeks for point in last.mood.trend] == [(W[0],), (W[3],)]


def test_a_team_smaller_than_k_shows_no_number_at_all(session):
    team = make_team(session)
    checkin = make_ritual(session, team, "checkin")
    safety = make_ritual(session, team, "safety_pulse")
    for week, items in zip(W[:8], itertools.cycle(((1, 2), (3, 4), (5, 6), (7,))), strict=False):
        checkins(session, team, checkin, week, {"ULEAD": 2, "U1": 5}, invited=2)
        pulse(session, team, safety, week, {i: {"ULEAD": 1, "U1": 7} for i in items}, invited=2)
    for document in iter_digests(session=session, first_week=W[0], last_week=W[7]):
        for metric in document.metrics[:4]:
            assert metric.current.value is None
            assert metric.trend == ()
        assert all(item.score is None for item in document.items)
        assert document.alerts == ()
        assert document.next_step.condition == "clarity"  # nothing to go on: explain why
        data = json.dumps(document.as_dict())
        assert '"value": 5' not in data and '"value": 2' not in data


def shown_figures(documents):
    """Yield (metric name, weeks, value) of every number any digest shows, trends included."""
    for document in documents:
        for metric in document.metrics[:4]:
            if metric.current.shown:
                yield metric.name, metric.current.weeks, metric.current.value
            for point in metric.trend:
                yield metric.name, point.weeks, point.value


def people_behind(session, team, weeks, *, sentiment=False):
    query = (
        select(Answer.member_id)
        .join(Occurrence, Occurrence.id == Answer.occurrence_id)
        .join(Member, Member.id == Answer.member_id)
        .where(Member.team_id == team.id, Occurrence.iso_week.in_(weeks), Answer.mood.is_not(None))
    )
    if sentiment:
        query = query.where(Answer.sentiment.is_not(None))
    return set(session.exec(query).all())


def scored_texts(session, team, weeks):
    """Return how many scored check-in texts each person wrote in the weeks."""
    query = (
        select(Answer.member_id)
        .join(Occurrence, Occurrence.id == Answer.occurrence_id)
        .join(Member, Member.id == Answer.member_id)
        .where(
            Member.team_id == team.id,
            Occurrence.iso_week.in_(weeks),
            Answer.sentiment.is_not(None),
        )
    )
    return dict(Counter(session.exec(query).all()))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_small_teams_never_expose_fewer_than_k_people(session, seed):
    rng = random.Random(seed)
    team = make_team(session)
    ritual = make_ritual(session, team, "checkin")
    weeks = W[:12]
    for week in weeks:
        present = [u for u in ("U1", "U2", "U3", "U4") if rng.random() < 0.55]
        if present:
            checkins(
                session,
                team,
                ritual,
                week,
                {u: rng.randint(1, 5) for u in present},
                invited=5,
                texts={u: ("word", rng.choice([None, -0.5, 0.5])) for u in present},
            )
    documents = list(iter_digests(session=session, first_week=weeks[0], last_week=weeks[-1]))
    figures = list(shown_figures(documents))
    for name, window, _value in figures:
        if name in ("mean_mood", "mean_sentiment"):
            people = people_behind(session, team, window, sentiment=name == "mean_sentiment")
            assert len(people) >= 3, (name, window)
    for (name_a, weeks_a, value_a), (name_b, weeks_b, value_b) in itertools.combinations(
        figures, 2
    ):
        if name_a == name_b and weeks_a == weeks_b:
            assert value_a == value_b  # a figure never changes once shown
    # Nor can figures be subtracted to reveal one answer: mood is a mean of each person's mean,
    # sentiment a mean over scored texts (a person weighs as often as they wrote one).
    moods = {window for shown, window, _ in figures if shown == "mean_mood"}
    assert revealed(mean_of_people(people_behind(session, team, w)) for w in moods) == set()
    sentiments = {window for shown, window, _ in figures if shown == "mean_sentiment"}
    assert revealed(scored_texts(session, team, w) for w in sentiments) == set()
    for document in documents:  # a digest computed alone equals the same digest in a batch
        assert digest(session, team, document.iso_week) == document


def test_the_digest_agrees_with_the_weekly_signals_of_a_team_that_reaches_k(session):
    team = make_team(session)
    ritual = make_ritual(session, team, "checkin")
    moods = {"ULEAD": 4, "U1": 2, "U2": 5, "U3": 3}
    texts = {u: ("x", 0.1 * n) for n, u in enumerate(moods)}
    checkins(session, team, ritual, W[5], moods, invited=4, texts=texts)
    signals = compute_week_signals(session=session, team=team, iso_week=W[5])
    document = digest(session, team, W[5])
    assert document.mood.current.value == round(signals.mean_mood, 2)
    assert document.sentiment.current.value == round(signals.mean_sentiment, 2)
    assert document.participation.current.value == signals.participation_rate


def test_figures_from_each_persons_answers_agree_with_the_weeks_rollups(session):
    team = make_team(session)
    checkin = make_ritual(session, team, "checkin")
    rng = random.Random(4)
    users = ["ULEAD", "U1", "U2", "U3", "U4"]
    for week in W[:8]:
        texts = {u: ("w", None if u == "U4" else rng.choice([0.3, -0.4, 0.6])) for u in users}
        checkins(session, team, checkin, week, {u: rng.randint(1, 5) for u in users}, texts=texts)
    weeks = weeks_read(first_week=W[4], last_week=W[7])
    aggregates = next(iter_team_aggregates(session=session, weeks=weeks, team_ids=[team.id]))
    history = load_history(session=session, aggregates=aggregates, last_week=W[7])
    series = TeamSeries(aggregates=aggregates, weeks=weeks, history=history)
    for week in W[4:8]:
        row = aggregates.answers[week]
        mood = series.figure("mean_mood", week)
        sentiment = series.figure("mean_sentiment", week)
        assert mood.value == rounded(row.mood_sum_of_means / row.mood_people)
        assert sentiment.value == rounded(row.sentiment_sum / row.sentiment_count)
        assert series.no_signal_share(week) == 0.2  # U4's word carries no sentiment


def test_stories_leader_sharing_and_released_feedback_are_counted(session):
    team = make_team(session)
    failure = make_ritual(session, team, "failure_celebration")
    questions = make_ritual(session, team, "anonymous_feedback")
    from tests.rituals.digest_helpers import occurrence

    thread = occurrence(session, failure, W[1], day=4)
    story(session, team, failure, thread, "U1", "m1")
    anonymous(session, thread, "story", [0.2])
    quiet = digest(session, team, W[1])
    assert (quiet.stories.current.value, quiet.leader_shared) == (2.0, False)
    assert quiet.next_step.condition == "role_models"  # nothing else to go on: lead by example
    # A published count never changes (rituals/figures/kept_counts.py): the next week is counted.
    next_thread = occurrence(session, failure, W[2], day=4)
    story(session, team, failure, next_thread, "U1", "m3")
    anonymous(session, next_thread, "story", [0.2])
    story(session, team, failure, next_thread, "ULEAD", "m2")
    asked = occurrence(session, questions, W[2], invited=6)
    anonymous(session, asked, "feedback", [0.1, -0.2, 0.3, None, 0.0])
    document = digest(session, team, W[2])
    assert (document.stories.current.value, document.leader_shared) == (3.0, True)
    assert document.anonymous_items.current.value == 5.0


def test_next_step_comes_from_the_weakest_item_and_names_its_condition(session):
    team = make_team(session)
    ritual = make_ritual(session, team, "safety_pulse")
    low_help = dict(RAISING) | {5: {"U1": 7, "U2": 6, "U3": 6}}  # item 5 reversed: 1, 2, 2
    for week, items in zip(W, ((1, 2), (3, 4), (5, 6), (7,)), strict=False):
        pulse(session, team, ritual, week, {item: low_help[item] for item in items})
    step = digest(session, team, W[3]).next_step
    assert step.condition == "coaching" and step.condition_label == CONDITIONS["coaching"]
    assert "ask other members of this team for help" in step.because
    assert "help" in step.action


def test_a_leaders_commitment_comes_back_next_week_beside_the_signals(session):
    team = make_team(session)
    ritual = make_ritual(session, team, "checkin")
    checkins(session, team, ritual, W[0], {"U1": 2, "U2": 2, "U3": 2}, invited=4)
    checkins(session, team, ritual, W[1], {"U1": 4, "U2": 4, "U3": 3}, invited=4)
    record_commitment(
        session=session, team_id=team.id, iso_week=W[0], leader_user_id="ULEAD", text="  go first "
    )
    record_commitment(
        session=session,
        team_id=team.id,
        iso_week=W[0].lower(),
        leader_user_id="ULEAD",
        text="Share my own mistake first",
    )
    assert len(session.exec(select(LeaderCommitment)).all()) == 1  # answering again replaces
    follow_up = digest(session, team, W[1]).follow_up
    assert follow_up is not None and follow_up.iso_week == W[0]
    assert follow_up.said == ("Share my own mistake first",)
    assert "Mood: 2.00 → 3.67" in follow_up.since
    assert digest(session, team, W[2]).follow_up is None


def test_only_a_leader_can_commit_and_only_to_a_real_week(session):
    team = make_team(session)
    person(session, team, "U1")
    session.commit()
    with pytest.raises(InvalidAnswer, match="Only the leaders"):
        record_commitment(
            session=session, team_id=team.id, iso_week=W[0], leader_user_id="U1", text="x"
        )
    with pytest.raises(InvalidAnswer, match="not an ISO week"):
        record_commitment(
            session=session, team_id=team.id, iso_week="2026-W99", leader_user_id="ULEAD", text="x"
        )
    with pytest.raises(InvalidAnswer, match="Write one thing"):
        record_commitment(
            session=session, team_id=team.id, iso_week=W[0], leader_user_id="ULEAD", text="  "
        )
