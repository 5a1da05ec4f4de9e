"""Property: no adversary can solve the published figures for any one person's answer.

Random small teams (3–12 people) answer check-ins and safety pulses over 4–12 weeks, people join,
leave and skip weeks, and rounds close late at random. At the end of every week the adversary
reads every figure Haven shows for every week so far, knowing exactly who answered each week,
and solves the equations exactly (fractions): once with one unknown per person and week, once
assuming each person always gives the same answer. Neither may fix any single person's answer,
for mood, sentiment, each safety item and the safety index. Run more examples with
HYPOTHESIS_PROFILE=thorough.
"""

import os
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from fractions import Fraction

import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, SQLModel, create_engine

import storage.tables  # noqa: F401  (registers every table)
from rituals.digest import iter_digests
from rituals.figures.finality import week_end
from rituals.pulse_items import items_for_sequence
from storage.models import Answer
from storage.rollups import refresh_rollups
from tests.conftest import make_ritual, make_team
from tests.rituals.adversary import revealed
from tests.rituals.digest_helpers import occurrence, person, weeks_from

settings.register_profile("ci", max_examples=25, deadline=None)
settings.register_profile("thorough", max_examples=1000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@dataclass
class Knowledge:
    """What the adversary knows: who answered what each week, and every figure Haven showed."""

    moods: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    texts: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    items: dict[tuple[str, int], set[str]] = field(default_factory=lambda: defaultdict(set))
    shown: dict[tuple[str, str], object] = field(default_factory=dict)  # (figure, week) → shown

    def equations(self, *, same_answer_every_week: bool) -> dict[str, list[dict]]:
        """Return the equations of every shown figure, by measure family."""
        families: dict[str, list[dict]] = {"mood": [], "sentiment": [], "pulse": []}
        for (name, _week), figure in self.shown.items():
            if name == "mood":
                families["mood"].append(self._mood(figure.weeks, same_answer_every_week))
            elif name == "sentiment":
                families["sentiment"].append(
                    self._sum(self.texts, figure.weeks, same_answer_every_week)
                )
            elif name.startswith("item"):
                families["pulse"].append(self._item(figure, same_answer_every_week))
            elif name == "index":
                equation: dict = defaultdict(Fraction)
                for item_figure in figure:
                    for key, weight in self._item(item_figure, same_answer_every_week).items():
                        n = sum(self._item(item_figure, same_answer_every_week).values())
                        equation[key] += Fraction(weight) / n
                families["pulse"].append(dict(equation))
        return families

    def _mood(self, weeks, constant):
        weeks_of: dict[str, list[str]] = defaultdict(list)
        for week in weeks:
            for who in self.moods[week]:
                weeks_of[who].append(week)
        if constant:  # the mean of a person's means is their one answer
            return {who: 1 for who in weeks_of}
        return {
            (who, week): Fraction(1, len(answered))
            for who, answered in weeks_of.items()
            for week in answered
        }

    @staticmethod
    def _sum(answered, weeks, constant, *tag):
        equation: dict = defaultdict(int)
        for week in weeks:
            for who in answered[week]:
                equation[(who, *tag) if constant else (who, *tag, week)] += 1
        return dict(equation)

    def _item(self, item_figure, constant):
        number = item_figure.number
        answered = {week: self.items[(week, number)] for week in item_figure.weeks}
        return self._sum(answered, item_figure.weeks, constant, number)


def answer_week(session, team, rituals, week_index, week, people, rng, knowledge, late):
    """Add the week's check-in and pulse; with late, some answers wait until next week."""
    checkin_ritual, pulse_ritual = rituals
    items = items_for_sequence(week_index)
    checkin = occurrence(session, checkin_ritual, week, invited=len(people))
    pulse = occurrence(
        session,
        pulse_ritual,
        week,
        day=2,
        invited=len(people),
        pulse_items=",".join(map(str, items)),
    )
    pending = []
    for who in people:
        rows = [
            Answer(
                occurrence_id=checkin.id,
                member_id=person(session, team, who).id,
                mood=rng.randint(1, 5),
                answered_at=checkin.scheduled_at,
            )
        ]
        sentiment = rng.choice([None, None, -0.5, 0.2, 0.6])
        if sentiment is not None:
            rows[0].text, rows[0].sentiment = "word", sentiment
        for item in items:
            rows.append(
                Answer(
                    occurrence_id=pulse.id,
                    member_id=rows[0].member_id,
                    item=item,
                    score=rng.randint(1, 7),
                    answered_at=pulse.scheduled_at,
                )
            )
        knowledge.moods[week].add(who)
        if sentiment is not None:
            knowledge.texts[week].add(who)
        for item in items:
            knowledge.items[(week, item)].add(who)
        if late and rng.random() < 0.5:
            pending.extend(rows)
        else:
            session.add_all(rows)
    for round_ in (checkin, pulse):
        round_.status = "open" if late else "closed"
        session.add(round_)
    session.commit()
    refresh_rollups(session=session, team_id=team.id, iso_week=week)
    return (checkin, pulse), pending


def close_late(session, team, week, rounds, pending):
    """Let the late answers in and close the week's rounds."""
    session.add_all(pending)
    for round_ in rounds:
        round_.status = "closed"
        session.add(round_)
    session.commit()
    refresh_rollups(session=session, team_id=team.id, iso_week=week)


def read_everything(session, team, weeks, knowledge):
    """Collect every figure shown in the digests of every week so far, checking none changed."""
    for document in iter_digests(session=session, first_week=weeks[0], last_week=weeks[-1]):
        found = {
            ("mood", document.iso_week): document.mood.current,
            ("sentiment", document.iso_week): document.sentiment.current,
        }
        shown_items = [item for item in document.items if item.score is not None]
        for item in shown_items:
            found[(f"item {item.number}", document.iso_week)] = item
        if document.safety.current.shown:
            found[("index", document.iso_week)] = tuple(document.items)
        for key, figure in found.items():
            if key[0] in ("mood", "sentiment") and not figure.shown:
                continue
            if key in knowledge.shown:
                assert knowledge.shown[key] == figure, key  # a published figure never changes
            knowledge.shown[key] = figure
        for metric, name in ((document.mood, "mood"), (document.sentiment, "sentiment")):
            for point in metric.trend:  # every trend point is a figure shown for its week
                assert knowledge.shown[(name, point.last_week)].value == point.value


@given(
    size=st.integers(3, 12),
    week_count=st.integers(4, 12),
    k=st.sampled_from([3, 5]),
    seed=st.integers(0, 2**32 - 1),
    skipping=st.floats(0.0, 0.5),
    lateness=st.floats(0.0, 0.5),
)
@settings(suppress_health_check=[HealthCheck.too_slow])
def test_no_adversary_solves_the_published_figures(size, week_count, k, seed, skipping, lateness):
    rng = random.Random(seed)
    engine = create_engine("sqlite://", poolclass=StaticPool)
    SQLModel.metadata.create_all(engine)
    weeks = weeks_from("2025-W10", week_count)
    people = [f"U{n}" for n in range(size)]
    stay = {who: sorted(rng.sample(range(week_count + 1), 2)) for who in people}
    knowledge = Knowledge()
    with Session(engine, expire_on_commit=False) as session:
        team = make_team(session, timezone="UTC", threshold_numbers=k, threshold_texts=max(k, 5))
        rituals = (
            make_ritual(session, team, "checkin"),
            make_ritual(session, team, "safety_pulse"),
        )
        waiting = None
        for index, week in enumerate(weeks):
            present = [
                who
                for who in people
                if stay[who][0] <= index < stay[who][1] and rng.random() >= skipping
            ]
            late = rng.random() < lateness
            with time_machine.travel(week_end(week, "UTC") - timedelta(days=1), tick=False):
                rounds, pending = answer_week(
                    session, team, rituals, index, week, present, rng, knowledge, late
                )
            with time_machine.travel(week_end(week, "UTC") + timedelta(hours=1), tick=False):
                if waiting is not None:
                    close_late(session, team, *waiting)
                waiting = (week, rounds, pending) if late else None
                read_everything(session, team, weeks[: index + 1], knowledge)
    engine.dispose()
    for constant in (False, True):
        for family, equations in knowledge.equations(same_answer_every_week=constant).items():
            assert revealed(equations) == set(), (family, constant)
