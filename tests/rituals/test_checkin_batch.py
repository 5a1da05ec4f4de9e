"""Check-ins recorded in batches: many clicks, one transaction, each click answered on its own."""

import asyncio

import pytest
from sqlmodel import Session, select

from rituals.checkin_batch import CheckinRecorder
from rituals.checkin_click import CheckinClick
from rituals.errors import InvalidAnswer, NotFound
from rituals.lifecycle import close_occurrence
from rituals.messages import SharedCheckin
from storage.models import Answer, Member, Team
from tests.conftest import ROOM
from tests.rituals.test_lifecycle import NOW, open_kind


def click(occurrence_id: int, user: str, mood: int, **options) -> CheckinClick:  # type: ignore[no-untyped-def]
    """Return a console click on a check-in."""
    return CheckinClick(
        occurrence_id=occurrence_id,
        platform=options.pop("platform", "console"),
        workspace=options.pop("workspace", "local"),
        user_id=user,
        mood=mood,
        **options,
    )


def stored(engine, occurrence_id: int) -> dict[str, tuple[int | None, str | None]]:  # type: ignore[no-untyped-def]
    """Return the stored check-ins of an occurrence by user id."""
    with Session(engine) as session:
        rows = session.exec(
            select(Answer, Member).join(Member).where(Answer.occurrence_id == occurrence_id)
        )
        return {member.platform_user_id: (answer.mood, answer.text) for answer, member in rows}


async def test_clicks_arriving_together_are_written_in_one_batch(engine, session, notifiers):
    _scope, occurrence = await open_kind(session, notifiers, "checkin", mode="private")
    recorder = CheckinRecorder(engine=engine, notifiers=notifiers)
    users = [f"U{n:03d}" for n in range(60)]
    receipts = await asyncio.gather(
        *(recorder.record(click(occurrence.id, user, 1 + n % 5)) for n, user in enumerate(users))
    )
    assert recorder.batches_written == 1
    assert [r.mood for r in receipts] == [1 + n % 5 for n in range(60)]
    assert not any(r.changed for r in receipts)
    assert stored(engine, occurrence.id) == {u: (1 + n % 5, None) for n, u in enumerate(users)}


async def test_a_lone_click_is_written_at_once(engine, session, notifiers):
    _scope, occurrence = await open_kind(session, notifiers, "checkin", mode="private")
    recorder = CheckinRecorder(engine=engine, notifiers=notifiers)
    for n, mood in enumerate([3, 4]):
        receipt = await recorder.record(click(occurrence.id, "U1", mood))
        assert recorder.batches_written == n + 1
        assert receipt.changed == (n == 1)
    assert stored(engine, occurrence.id) == {"U1": (4, None)}


async def test_a_second_click_in_the_same_batch_changes_the_first(engine, session, notifiers):
    _scope, occurrence = await open_kind(session, notifiers, "checkin", mode="private")
    recorder = CheckinRecorder(engine=engine, notifiers=notifiers)
    first, second = await asyncio.gather(
        recorder.record(click(occurrence.id, "U1", 2, text="  tired  ")),
        recorder.record(click(occurrence.id, "U1", 5)),
    )
    assert recorder.batches_written == 1
    assert (first.changed, second.changed) == (False, True)
    assert second.text == "tired"  # a mood click keeps the word given earlier
    assert stored(engine, occurrence.id) == {"U1": (5, "tired")}


async def test_a_refused_click_does_not_stop_the_others_in_its_batch(engine, session, notifiers):
    _scope, occurrence = await open_kind(session, notifiers, "checkin", mode="private")
    recorder = CheckinRecorder(engine=engine, notifiers=notifiers)
    results = await asyncio.gather(
        recorder.record(click(occurrence.id, "U1", 4)),
        recorder.record(click(occurrence.id, "U2", 9)),
        recorder.record(click(occurrence.id, "U3", 3, workspace="elsewhere")),
        recorder.record(click(occurrence.id + 999, "U4", 3)),
        recorder.record(click(occurrence.id, "U5", 2)),
        return_exceptions=True,
    )
    assert recorder.batches_written == 1
    assert isinstance(results[1], InvalidAnswer) and "1 to 5" in str(results[1])
    assert isinstance(results[2], NotFound)
    assert isinstance(results[3], NotFound)
    assert stored(engine, occurrence.id) == {"U1": (4, None), "U5": (2, None)}


async def test_a_closed_round_refuses_clicks(engine, session, notifiers):
    _scope, occurrence = await open_kind(session, notifiers, "checkin", mode="private")
    await close_occurrence(
        session=session, notifiers=notifiers, occurrence_id=occurrence.id, now=NOW
    )
    recorder = CheckinRecorder(engine=engine, notifiers=notifiers)
    with pytest.raises(InvalidAnswer, match="closed"):
        await recorder.record(click(occurrence.id, "U1", 4))
    assert stored(engine, occurrence.id) == {}


async def test_strangers_are_enrolled_only_when_the_channel_defines_the_team(
    engine, session, notifiers
):
    scope, occurrence = await open_kind(session, notifiers, "checkin", mode="private")
    recorder = CheckinRecorder(engine=engine, notifiers=notifiers)
    await recorder.record(click(occurrence.id, "UNEW", 4, display_name="Noor"))
    with Session(engine) as check:
        noor = check.exec(select(Member).where(Member.platform_user_id == "UNEW")).one()
        assert (noor.display_name, noor.active) == ("Noor", True)
        team = check.get(Team, scope.team.id)
        assert team is not None
        team.members_from_channel = False
        check.add(team)
        check.commit()
    with pytest.raises(InvalidAnswer, match="member list"):
        await recorder.record(click(occurrence.id, "UOTHER", 4))
    assert set(stored(engine, occurrence.id)) == {"UNEW"}


async def test_shared_mode_shows_each_answer_in_the_thread_once_then_updates_it(
    engine, session, notifiers, console
):
    _scope, occurrence = await open_kind(session, notifiers, "checkin", mode="shared")
    recorder = CheckinRecorder(engine=engine, notifiers=notifiers)
    await asyncio.gather(
        recorder.record(click(occurrence.id, "U1", 2, text="tired")),
        recorder.record(click(occurrence.id, "U2", 5)),
    )
    await recorder.record(click(occurrence.id, "U1", 4))
    await recorder.settled()  # the thread replies follow the commit
    shared = [m for m in console.sent_to(ROOM) if isinstance(m, SharedCheckin)]
    assert [(m.mood, m.text) for m in shared] == [(2, "tired"), (5, None), (4, "tired")]
    assert len([d for d in console.deliveries if d.where == "thread"]) == 2  # U1's was updated


async def test_a_database_failure_reaches_every_click_and_the_recorder_recovers(
    engine, session, notifiers, monkeypatch
):
    _scope, occurrence = await open_kind(session, notifiers, "checkin", mode="private")
    recorder = CheckinRecorder(engine=engine, notifiers=notifiers)
    write = recorder._write

    def fail_once(clicks):  # type: ignore[no-untyped-def]
        monkeypatch.setattr(recorder, "_write", write)
        raise OSError("disk full")

    monkeypatch.setattr(recorder, "_write", fail_once)
    results = await asyncio.gather(
        recorder.record(click(occurrence.id, "U1", 4)),
        recorder.record(click(occurrence.id, "U2", 3)),
        return_exceptions=True,
    )
    assert all(isinstance(r, OSError) for r in results)
    assert stored(engine, occurrence.id) == {}
    await recorder.record(click(occurrence.id, "U1", 4))
    assert stored(engine, occurrence.id) == {"U1": (4, None)}


async def test_a_poisoned_answer_is_refused_alone_and_every_valid_one_is_stored(
    engine, session, notifiers
):
    _scope, occurrence = await open_kind(session, notifiers, "checkin", mode="private")
    recorder = CheckinRecorder(engine=engine, notifiers=notifiers)
    valid = {f"U{n:03d}": (1 + n % 5, f"word {n}") for n in range(30)}
    poisoned = {"UNUL": "nul\x00byte", "USURROGATE": "broken \ud800 text"}
    huge = "x" * 100_000
    clicks = [click(occurrence.id, user, mood, text=text) for user, (mood, text) in valid.items()]
    clicks[10:10] = [click(occurrence.id, user, 3, text=text) for user, text in poisoned.items()]
    clicks.append(click(occurrence.id, "UHUGE", 4, text=huge))
    results = await asyncio.gather(*(recorder.record(c) for c in clicks), return_exceptions=True)
    outcome = {c.user_id: result for c, result in zip(clicks, results, strict=True)}

    assert recorder.batches_written == 1  # all of them arrived together
    rows = stored(engine, occurrence.id)
    assert {user: rows[user] for user in valid} == valid
    assert "UHUGE" not in rows  # refused with the limit named, never cut
    assert "at most 2,000" in str(outcome["UHUGE"])
    assert "USURROGATE" not in rows
    refusal = outcome["USURROGATE"]
    assert isinstance(refusal, InvalidAnswer)
    assert str(refusal) == (
        "Your check-in was not stored: the text contains a broken character (a lone surrogate). "
        "Please type it again."
    )
    assert rows["UNUL"] == (3, "nulbyte")  # an invisible NUL is dropped on every database
    await recorder.record(click(occurrence.id, "U000", 5))  # the recorder goes on
    assert stored(engine, occurrence.id)["U000"] == (5, "word 0")


async def known_members_round(engine, session, notifiers, users, *, mode="private"):  # type: ignore[no-untyped-def]
    """Open a check-in whose members have all answered once; return it and its recorder."""
    _scope, occurrence = await open_kind(session, notifiers, "checkin", mode=mode)
    recorder = CheckinRecorder(engine=engine, notifiers=notifiers)
    await asyncio.gather(
        *(recorder.record(click(occurrence.id, u, 3, text="first")) for u in users)
    )
    return occurrence, recorder


def count_orm_batches(monkeypatch) -> list[int]:  # type: ignore[no-untyped-def]
    """Count the batches written through the ORM rather than as plain rows."""
    import rituals.checkin_batch as batch_module

    calls: list[int] = []
    through_orm = batch_module._apply_through_orm

    def counted(session, clicks, scopes):  # type: ignore[no-untyped-def]
        calls.append(len(clicks))
        return through_orm(session, clicks, scopes)

    monkeypatch.setattr(batch_module, "_apply_through_orm", counted)
    return calls


async def test_known_members_private_clicks_are_written_as_rows_with_the_same_rules(
    engine, session, notifiers, monkeypatch
):
    users = [f"U{n:03d}" for n in range(20)]
    occurrence, recorder = await known_members_round(engine, session, notifiers, users)
    orm_batches = count_orm_batches(monkeypatch)
    clicks = [click(occurrence.id, u, 1 + n % 5) for n, u in enumerate(users)]
    clicks += [
        click(occurrence.id, "U000", 5, text="  better\r\nnow  "),
        click(occurrence.id, "U001", 9),
    ]
    results = await asyncio.gather(*(recorder.record(c) for c in clicks), return_exceptions=True)

    assert orm_batches == []  # every click was a known member's: no ORM object was needed
    assert all(r.changed for r in results[:20])  # type: ignore[union-attr]
    assert results[0].text == "first"  # type: ignore[union-attr]  # a mood click keeps the word
    assert results[20].text == "better\nnow"  # type: ignore[union-attr]  # cleaned as ever
    assert isinstance(results[21], InvalidAnswer)  # a mood off the scale, refused alone
    rows = stored(engine, occurrence.id)
    assert rows["U000"] == (5, "better\nnow")
    assert rows["U001"] == (2, "first")
    assert {u: rows[u] for u in users[2:]} == {
        u: (1 + n % 5, "first") for n, u in enumerate(users) if n >= 2
    }
    with Session(engine) as check:
        answer = check.exec(
            select(Answer).join(Member).where(Member.platform_user_id == "U000")
        ).one()
        assert answer.sentiment is not None  # the new word was scored


async def test_a_newcomer_or_a_shared_round_sends_the_batch_through_the_orm(
    engine, session, notifiers, monkeypatch
):
    occurrence, recorder = await known_members_round(engine, session, notifiers, ["U1", "U2"])
    orm_batches = count_orm_batches(monkeypatch)
    await asyncio.gather(
        recorder.record(click(occurrence.id, "U1", 4)),
        recorder.record(click(occurrence.id, "UNEW", 2)),
    )
    assert orm_batches == [2]
    assert stored(engine, occurrence.id) == {
        "U1": (4, "first"),
        "U2": (3, "first"),
        "UNEW": (2, None),
    }


async def test_a_poisoned_answer_among_known_members_is_refused_alone(engine, session, notifiers):
    users = [f"U{n:03d}" for n in range(30)] + ["UNUL", "USURROGATE"]
    occurrence, recorder = await known_members_round(engine, session, notifiers, users)
    clicks = [
        click(occurrence.id, u, 1 + n % 5, text=f"word {n}") for n, u in enumerate(users[:30])
    ]
    clicks[5:5] = [
        click(occurrence.id, "UNUL", 4, text="nul\x00byte"),
        click(occurrence.id, "USURROGATE", 4, text="broken \ud800 text"),
    ]
    results = await asyncio.gather(*(recorder.record(c) for c in clicks), return_exceptions=True)
    outcome = {c.user_id: r for c, r in zip(clicks, results, strict=True)}

    rows = stored(engine, occurrence.id)
    assert {u: rows[u] for u in users[:30]} == {
        u: (1 + n % 5, f"word {n}") for n, u in enumerate(users[:30])
    }
    assert rows["USURROGATE"] == (3, "first")  # the earlier answer stands
    assert "broken character" in str(outcome["USURROGATE"])
    assert rows["UNUL"] == (4, "nulbyte")
