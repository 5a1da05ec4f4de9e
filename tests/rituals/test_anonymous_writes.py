"""How anonymous answers and stories are written: no age, no day of answering, no stray guard."""

import threading
from datetime import timedelta

import pytest
import time_machine
from sqlmodel import Session, select

from rituals import failure, feedback
from rituals.context import RitualScope
from rituals.errors import InvalidAnswer
from rituals.lifecycle import open_occurrence
from storage.models import AnonymousAnswer, AnonymousGuard, Occurrence
from tests.conftest import MONDAY_10_BERLIN, make_ritual, make_team
from tests.rituals.anonymous_attacks import ANSWERERS, answer, open_feedback, text_of


async def test_every_anonymous_story_re_keys_the_stories_before_it(session, notifiers):
    team = make_team(session)
    ritual = make_ritual(session, team, "failure_celebration")
    occurrence = await open_occurrence(
        session=session,
        notifiers=notifiers,
        ritual_id=ritual.id,
        scheduled_at=MONDAY_10_BERLIN,
        now=MONDAY_10_BERLIN,
    )
    scope = RitualScope.of_ritual(session=session, ritual_id=ritual.id)
    seen: set[str] = set()
    for n in range(3):
        await failure.share_anonymously(
            scope=scope, occurrence=occurrence, notifiers=notifiers, text=f"story number {n}"
        )
        keys = {row.key for row in session.exec(select(AnonymousAnswer)).all()}
        assert len(keys) == n + 1 and seen.isdisjoint(keys)  # no story keeps its age
        seen.update(keys)


async def test_an_answer_is_dated_to_its_round_not_to_the_day_it_was_given(session, notifiers):
    scope, occurrence = await open_feedback(session, notifiers)
    with time_machine.travel(MONDAY_10_BERLIN + timedelta(days=2, hours=5), tick=False):
        answer(scope, occurrence, "U2")
    (row,) = session.exec(select(AnonymousAnswer)).all()
    assert row.answered_on == MONDAY_10_BERLIN.date()


async def test_an_answer_that_could_not_be_stored_leaves_no_guard(session, notifiers, monkeypatch):
    scope, occurrence = await open_feedback(session, notifiers)

    def broken(**_):  # type: ignore[no-untyped-def]
        raise ConnectionError("database went away")

    monkeypatch.setattr(feedback, "store_shuffled", broken)
    with pytest.raises(ConnectionError):
        answer(scope, occurrence, "U3")
    assert session.exec(select(AnonymousGuard)).all() == []
    monkeypatch.undo()
    answer(scope, occurrence, "U3")  # the person may try again
    assert [row.text for row in session.exec(select(AnonymousAnswer))] == [text_of("U3")]
    with pytest.raises(InvalidAnswer, match="already answered"):
        answer(scope, occurrence, "U3")


async def test_answers_given_at_the_same_moment_are_each_kept_once(engine, session, notifiers):
    scope, occurrence = await open_feedback(session, notifiers)
    start = threading.Barrier(len(ANSWERERS))
    failures: list[BaseException] = []

    def answer_alone(user_id: str) -> None:
        with Session(engine, expire_on_commit=False) as own:
            mine = RitualScope.of_ritual(session=own, ritual_id=scope.ritual.id)
            round_ = own.get(Occurrence, occurrence.id)
            own.commit()
            start.wait()
            try:
                answer(mine, round_, user_id)
            except BaseException as error:  # collected: a thread's exception is otherwise lost
                failures.append(error)

    threads = [threading.Thread(target=answer_alone, args=(u,)) for u in ANSWERERS]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    texts = sorted(row.text for row in session.exec(select(AnonymousAnswer)))
    assert texts == sorted(text_of(u) for u in ANSWERERS)
    assert len(session.exec(select(AnonymousGuard)).all()) == len(ANSWERERS)
