"""The outbox in the core: messages survive the codec, keys refuse a second row, doubt is shown."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlmodel import select

from rituals import anonymous_rows, checkin, failure, feedback
from rituals.checkin_batch import CheckinRecorder
from rituals.checkin_click import CheckinClick
from rituals.clock import utcnow
from rituals.context import RitualScope
from rituals.lifecycle import close_occurrence, open_occurrence
from rituals.messages import CheckinPrompt, FeedbackBatch, PulseItem, PulsePrompt
from rituals.outbox import direct, enqueue
from rituals.outbox_codec import decode, encode
from rituals.outbox_sender import drain
from rituals.ports import PersonAddress
from storage.models import Answer, Occurrence
from storage.models_outbox import OutboxMessage
from storage.outbox_leases import prune_sent
from tests.conftest import MONDAY_10_BERLIN, ROOM, make_ritual, make_team
from tests.rituals.test_lifecycle import open_kind

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
ANA = PersonAddress(platform="console", workspace="local", user_id="U1")


def test_every_kind_of_value_survives_the_codec():
    messages = [
        CheckinPrompt(occurrence_id=3, question="How are you?", mode="shared", closes_at=NOW),
        FeedbackBatch(
            occurrence_id=4,
            question="What?",
            items=(("k1", "one"), ("k2", "two")),
            replyable=frozenset({"k2"}),
        ),
        PulsePrompt(
            occurrence_id=5, items=(PulseItem(number=2, statement="Safe."),), closes_at=NOW
        ),
    ]
    for message in messages:
        assert decode(encode(message)) == message
    assert decode(encode(messages[0])).scale[5] == "Great"  # int keys stay ints


def test_a_second_row_with_the_same_key_is_a_no_op(session):
    prompt = CheckinPrompt(occurrence_id=3, question="?", mode="private", closes_at=NOW)
    envelope = direct(key="occ:3:prompt:1", person=ANA, message=prompt, give_up_at=NOW)
    enqueue(session, [envelope, envelope], now=NOW)
    session.commit()
    enqueue(session, [envelope], now=NOW)
    session.commit()
    assert len(session.exec(select(OutboxMessage)).all()) == 1


async def test_a_doubtful_row_a_platform_cannot_look_up_is_kept_in_doubt_not_sent_again(
    session, notifiers, console
):
    """Teams (and the console) have no history of the bot's messages: doubt is shown, not resent."""
    prompt = CheckinPrompt(occurrence_id=3, question="?", mode="private", closes_at=NOW)
    envelope = direct(
        key="occ:3:prompt:1", person=ANA, message=prompt, give_up_at=NOW + timedelta(hours=1)
    )
    enqueue(session, [envelope], now=NOW)
    row = session.exec(select(OutboxMessage)).one()
    row.claimed_by, row.attempts = "a replica that died", 1
    row.claimed_until = row.first_attempt_at = NOW  # its claim ran out unmarked
    session.add(row)
    session.commit()
    await drain(session.get_bind(), notifiers, None, NOW + timedelta(minutes=2))
    assert console.deliveries == []
    session.expire_all()
    kept = session.exec(select(OutboxMessage)).one()
    assert kept.state == "in_doubt" and "not sent again" in kept.last_error


class ChannelDown:
    """A console whose channel posts fail, as when the platform is down."""

    def __init__(self, console):
        self.console = console

    def __getattr__(self, name):
        return getattr(self.console, name)

    async def post_to_channel(self, **_):
        raise ConnectionError("platform down")


async def test_a_summary_waits_for_the_prompt_it_updates(session, notifiers, console):
    team = make_team(session)
    ritual = make_ritual(session, team, "checkin")
    notifiers.by_platform["console"] = ChannelDown(console)
    opened_at = MONDAY_10_BERLIN + timedelta(minutes=1)
    occurrence = await open_occurrence(
        session=session,
        notifiers=notifiers,
        ritual_id=ritual.id,
        scheduled_at=MONDAY_10_BERLIN,
        now=opened_at,
    )
    await close_occurrence(
        session=session, notifiers=notifiers, occurrence_id=occurrence.id, now=opened_at
    )
    assert console.deliveries == []  # neither the prompt nor its summary could go
    notifiers.by_platform["console"] = console
    await drain(session.get_bind(), notifiers, None, opened_at + timedelta(minutes=10))
    assert [d.where for d in console.deliveries] == ["channel", "update"]
    prompt, summary = console.deliveries
    assert summary.ref == prompt.ref  # the summary replaced the prompt it waited for


class ThreadDown:
    """A console whose thread replies fail, as when the platform is down."""

    def __init__(self, console):
        self.console = console

    def __getattr__(self, name):
        return getattr(self.console, name)

    async def post_in_thread(self, **_):
        raise ConnectionError("platform down")


async def test_a_story_shared_anonymously_is_posted_later_and_leaves_no_row(
    session, notifiers, console
):
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
    notifiers.by_platform["console"] = ThreadDown(console)
    await failure.share_anonymously(
        scope=scope, occurrence=occurrence, notifiers=notifiers, text="I missed a deadline"
    )
    (waiting,) = [r for r in session.exec(select(OutboxMessage)).all() if r.key.startswith("anon:")]
    assert waiting.state == "pending" and waiting.ref == occurrence.message_ref
    notifiers.by_platform["console"] = console
    await drain(session.get_bind(), notifiers, None, utcnow() + timedelta(minutes=10))
    assert console.sent_to(ROOM, "thread")[0].text == "I missed a deadline"
    session.expire_all()
    assert [r for r in session.exec(select(OutboxMessage)).all() if r.key.startswith("anon:")] == []


def test_sent_rows_are_pruned_after_a_week_pending_ones_never(session):
    prompt = CheckinPrompt(occurrence_id=3, question="?", mode="private", closes_at=NOW)
    old = NOW - timedelta(days=8)
    for key in ("sent:old", "sent:new", "pending:old"):
        enqueue(
            session,
            [direct(key=key, person=ANA, message=prompt, give_up_at=NOW)],
            now=NOW if key == "sent:new" else old,
        )
    for row in session.exec(select(OutboxMessage)).all():
        row.state = "sent" if row.key.startswith("sent") else "pending"
        session.add(row)
    session.commit()
    assert prune_sent(session.get_bind(), before=NOW - timedelta(days=7)) == 1
    left = sorted(row.key for row in session.exec(select(OutboxMessage)).all())
    assert left == ["pending:old", "sent:new"]


async def _open_failure_round(session, notifiers):
    team = make_team(session)
    ritual = make_ritual(session, team, "failure_celebration")
    occurrence = await open_occurrence(
        session=session,
        notifiers=notifiers,
        ritual_id=ritual.id,
        scheduled_at=MONDAY_10_BERLIN,
        now=MONDAY_10_BERLIN,
    )
    return RitualScope.of_ritual(session=session, ritual_id=ritual.id), occurrence


async def test_a_story_and_its_post_are_one_transaction(session, notifiers, monkeypatch):
    """A crash just after the story's commit (here, in erasing old versions) keeps its post row."""
    scope, occurrence = await _open_failure_round(session, notifiers)

    def crash(**_):
        raise RuntimeError("the process died here")

    monkeypatch.setattr(anonymous_rows, "erase_old_versions", crash)
    with pytest.raises(RuntimeError):
        await failure.share_anonymously(
            scope=scope, occurrence=occurrence, notifiers=notifiers, text="I missed a deadline"
        )
    session.rollback()
    (post,) = [r for r in session.exec(select(OutboxMessage)).all() if r.key.startswith("anon:")]
    assert post.state == "pending" and decode(post.payload).text == "I missed a deadline"
    if session.get_bind().dialect.name == "postgresql":
        story = session.execute(text("SELECT DISTINCT xmin::text FROM anonymousanswer"))
        row = session.execute(text("SELECT xmin::text FROM outboxmessage WHERE key LIKE 'anon:%'"))
        assert story.scalars().all() == row.scalars().all()  # one transaction wrote both


async def test_no_outbox_row_links_a_story_to_its_author(session, notifiers, console):
    scope, occurrence = await _open_failure_round(session, notifiers)
    author = scope.member_answering(user_id="UAUTHOR", display_name="Ada Author")
    session.commit()
    notifiers.by_platform["console"] = ThreadDown(console)  # the post stays a row
    await failure.share_anonymously(
        scope=scope, occurrence=occurrence, notifiers=notifiers, text="I broke the build"
    )
    (post,) = [r for r in session.exec(select(OutboxMessage)).all() if r.key.startswith("anon:")]
    assert (post.user_id, post.sealed_to, post.seal_context) == ("", "", 0)
    for row in session.exec(select(OutboxMessage)).all():
        values = " ".join(str(value) for value in row.model_dump().values())
        assert "UAUTHOR" not in values and "Ada Author" not in values
        assert str(author.id) not in row.key.split(":") and row.user_id != "UAUTHOR"
    if session.get_bind().dialect.name == "postgresql":
        member_xmin = session.execute(
            text("SELECT xmin::text FROM member WHERE id = :id"), {"id": author.id}
        ).scalar_one()
        row_xmin = session.execute(
            text("SELECT xmin::text FROM outboxmessage WHERE key = :k"), {"k": post.key}
        ).scalar_one()
        assert member_xmin != row_xmin


def _thread_rows(session):
    session.expire_all()
    rows = session.exec(select(OutboxMessage)).all()
    return [r for r in rows if r.key.startswith("answer:")]


async def test_a_shared_checkin_is_a_row_written_with_the_answer(session, notifiers, console):
    """The thread is down when the answer is stored: its reply waits as a row, then goes once."""
    scope, occurrence = await open_kind(session, notifiers, "checkin", mode="shared")
    notifiers.by_platform["console"] = ThreadDown(console)
    receipt = await checkin.record(
        scope=scope, occurrence=occurrence, notifiers=notifiers, user_id="U1", mood=2, text="tired"
    )
    assert receipt.mood == 2
    (row,) = _thread_rows(session)
    assert row.state == "pending" and row.action == "post_in_thread"
    notifiers.by_platform["console"] = console
    await drain(session.get_bind(), notifiers, None, utcnow() + timedelta(minutes=10))
    await drain(session.get_bind(), notifiers, None, utcnow() + timedelta(minutes=20))
    (reply,) = console.sent_to(ROOM, "thread")
    assert (reply.display_name, reply.mood, reply.text) == ("Person 1", 2, "tired")
    answer = session.exec(select(Answer)).one()
    assert answer.message_ref == console.deliveries[-1].ref  # a change now updates that reply


async def test_a_batched_shared_checkin_is_a_row_written_with_the_answer(
    engine, session, notifiers, console
):
    _scope, occurrence = await open_kind(session, notifiers, "checkin", mode="shared")
    notifiers.by_platform["console"] = ThreadDown(console)
    recorder = CheckinRecorder(engine=engine, notifiers=notifiers)
    await recorder.record(CheckinClick(occurrence.id, "console", "local", "U1", 2, "tired"))
    await recorder.settled()
    await recorder.record(CheckinClick(occurrence.id, "console", "local", "U1", 4))
    await recorder.settled()
    assert [r.state for r in _thread_rows(session)] == ["pending", "pending"]
    notifiers.by_platform["console"] = console
    await drain(engine, notifiers, None, utcnow() + timedelta(minutes=10))
    assert [d.where for d in console.deliveries[-2:]] == ["thread", "update"]
    assert console.deliveries[-1].ref == console.deliveries[-2].ref
    assert (console.deliveries[-1].message.mood, console.deliveries[-1].message.text) == (
        4,
        "tired",
    )


async def test_a_newcomer_named_after_the_commit_is_named_in_the_reply(
    engine, session, notifiers, console
):
    _scope, occurrence = await open_kind(session, notifiers, "checkin", mode="shared")

    async def name_of(click):
        return "Ada Newcomer"

    recorder = CheckinRecorder(engine=engine, notifiers=notifiers, names=name_of)
    await recorder.record(CheckinClick(occurrence.id, "console", "local", "UNEW", 3))
    await recorder.settled()
    (reply,) = console.sent_to(ROOM, "thread")
    assert reply.display_name == "Ada Newcomer"
    assert console.sent_to(ROOM, "update") == []  # the unsent row was given the name, not updated


async def test_a_close_interrupted_before_the_release_is_undone_then_done_once(
    session, notifiers, console, monkeypatch
):
    """An error between closing and releasing leaves the round open, so the next close releases."""
    scope, occurrence = await open_kind(session, notifiers, "anonymous_feedback")
    for n in range(1, 6):
        feedback.record(scope=scope, occurrence=occurrence, user_id=f"U{n}", text=f"thought {n}")
    release = feedback.release

    def interrupted(**_):
        monkeypatch.setattr(feedback, "release", release)  # only the first close is interrupted
        raise RuntimeError("the process died here")

    monkeypatch.setattr(feedback, "release", interrupted)
    with pytest.raises(RuntimeError):
        await close_occurrence(
            session=session, notifiers=notifiers, occurrence_id=occurrence.id, now=NOW
        )
    session.rollback()
    session.expire_all()
    assert session.get(Occurrence, occurrence.id).status == "open"  # the sweep closes it again
    for _ in range(2):
        await close_occurrence(
            session=session, notifiers=notifiers, occurrence_id=occurrence.id, now=NOW
        )
    batches = [m for m in console.sent_to("ULEAD") if isinstance(m, FeedbackBatch)]
    assert len(batches) == 1
    assert sorted(text for _key, text in batches[0].items) == [f"thought {n}" for n in range(1, 6)]
    session.expire_all()
    assert session.get(Occurrence, occurrence.id).status == "closed"
