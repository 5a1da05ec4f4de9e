"""The outbox worker against the fake Slack: retries, give-up, in-doubt rows found by metadata."""

import asyncio
import contextlib
import time
from datetime import timedelta

from prometheus_client import REGISTRY
from sqlmodel import Session, select

from bot.outbox_worker import OutboxWorker, classify
from rituals.clock import utcnow
from rituals.errors import PlatformUnavailable
from rituals.messages import Reminder
from rituals.outbox import direct, enqueue, to_channel
from rituals.ports import ChannelAddress, PersonAddress
from storage.models_outbox import OutboxMessage
from storage.outbox_leases import take_lease
from tests.bot.slack.conftest import CHANNEL, TEAM
from tests.bot.slack.fake_slack import FakeSlack

REMINDER = Reminder(occurrence_id=1, ritual_kind="checkin", text="Still open.")


def value(name: str, **labels: str) -> float:
    """Return a sample's current value (0 when not observed yet)."""
    return REGISTRY.get_sample_value(name, labels) or 0.0


def queue(engine, key: str, *, channel: bool = True, patience: timedelta = timedelta(hours=1)):
    """Enqueue one message to the team's channel (or a DM to U0ANA)."""
    with Session(engine) as session:
        envelope = (
            to_channel(
                key=key,
                channel=ChannelAddress(platform="slack", workspace=TEAM, channel=CHANNEL),
                message=REMINDER,
                give_up_at=utcnow() + patience,
            )
            if channel
            else direct(
                key=key,
                person=PersonAddress(platform="slack", workspace=TEAM, user_id="U0ANA"),
                message=REMINDER,
                give_up_at=utcnow() + patience,
            )
        )
        enqueue(session, [envelope])
        session.commit()


def row(engine, key: str) -> OutboxMessage:
    """Return the outbox row of key, fresh from the database."""
    with Session(engine) as session:
        return session.exec(select(OutboxMessage).where(OutboxMessage.key == key)).one()


async def run_worker(slack, until, *, timeout: float = 20.0, **options) -> None:
    """Run a worker on the harness's notifiers until until() holds."""
    worker = OutboxWorker(
        engine=slack.engine,
        notifiers=slack.notifiers,
        replica="test-replica",
        relay_key=None,
        idle_seconds=0.1,
        **options,
    )
    task = asyncio.create_task(worker.run())
    deadline = time.monotonic() + timeout
    try:
        while not until():
            assert time.monotonic() < deadline, f"not in time: {dump(slack.engine)}"
            await asyncio.sleep(0.05)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def test_server_errors_are_retried_with_backoff_then_sent_once(slack):
    retries = value("haven_send_retries_total", platform="slack")
    slack.fake.fail("chat.postMessage", "internal_error", times=1, status=500)
    queue(slack.engine, "test:5xx")
    await run_worker(slack, lambda: row(slack.engine, "test:5xx").state == "sent")
    sent = row(slack.engine, "test:5xx")
    assert sent.attempts == 2 and sent.payload is None  # the copy is gone once sent
    assert len(slack.fake.posts_tagged("test:5xx")) == 1
    assert value("haven_send_retries_total", platform="slack") >= retries + 1


async def test_a_refused_message_fails_visibly_at_once(slack):
    failed = value("haven_outbox_failed_total", platform="slack")
    slack.fake.fail("chat.postMessage", "channel_not_found", times=5)
    queue(slack.engine, "test:refused")
    await run_worker(slack, lambda: row(slack.engine, "test:refused").state == "failed")
    gone = row(slack.engine, "test:refused")
    assert gone.attempts == 1 and "channel_not_found" in gone.last_error
    assert value("haven_outbox_failed_total", platform="slack") == failed + 1
    ready = await (await slack.client.get("/readyz")).json()
    assert ready["outbox"]["failed"] == 1


async def test_retries_stop_at_the_give_up_time(slack):
    slack.fake.fail("chat.postMessage", "service_unavailable", times=1000)
    queue(slack.engine, "test:patience", patience=timedelta(seconds=8))
    await run_worker(slack, lambda: row(slack.engine, "test:patience").state == "failed")
    assert row(slack.engine, "test:patience").attempts >= 2
    assert slack.fake.posts_tagged("test:patience") == []


async def test_a_send_whose_answer_was_lost_is_found_by_its_metadata_not_sent_again(slack):
    slack.fake.delay["chat.postMessage"] = 1.5  # posted, but the answer comes too late
    queue(slack.engine, "test:doubt", channel=False)
    await run_worker(
        slack, lambda: row(slack.engine, "test:doubt").state == "sent", call_timeout=0.5
    )
    assert len(slack.fake.calls_to("chat.postMessage")) == 1
    history = slack.fake.calls_to("conversations.history")
    assert history and history[0].args["include_all_metadata"] in (True, "true", "1", 1)
    (post,) = slack.fake.posts_tagged("test:doubt")
    assert row(slack.engine, "test:doubt").sent_ref.endswith(post["ts"])


async def test_a_crashed_sender_leaves_a_doubtful_row_that_is_checked_before_sending(slack):
    queue(slack.engine, "test:crashed")
    with Session(slack.engine) as session:  # as a sender that died after claiming it
        claimed = session.exec(select(OutboxMessage)).one()
        claimed.claimed_by, claimed.attempts = "dead-replica", 1
        claimed.claimed_until = claimed.first_attempt_at = utcnow() - timedelta(seconds=1)
        session.add(claimed)
        session.commit()
    await run_worker(slack, lambda: row(slack.engine, "test:crashed").state == "sent")
    assert slack.fake.calls_to("conversations.history")  # looked first: not there, so sent
    assert len(slack.fake.posts_tagged("test:crashed")) == 1


def dump(engine) -> list[tuple[str, str, int, str]]:
    """Return every outbox row's key, state, attempts and last error, for failure messages."""
    with Session(engine) as session:
        rows = session.exec(select(OutboxMessage)).all()
        return [(r.key, r.state, r.attempts, r.last_error) for r in rows]


async def test_a_workspace_leased_by_another_replica_is_left_to_it_and_its_queue_is_measured(
    slack,
):
    assert take_lease(
        slack.engine,
        platform="slack",
        workspace=TEAM,
        holder="another-replica",
        now=utcnow(),
        seconds=60,
    )
    queue(slack.engine, "test:leased")
    rounds = 0

    def measured() -> bool:
        nonlocal rounds
        rounds += 1
        return rounds > 40 and value("haven_outbox_depth") == 1

    await run_worker(slack, measured)
    assert row(slack.engine, "test:leased").state == "pending"
    assert slack.fake.calls_to("chat.postMessage") == []  # only the lease holder sends there
    assert value("haven_outbox_oldest_seconds") > 0


async def test_network_errors_are_retried_until_slack_answers_again(slack):
    port = slack.fake.server.port
    await slack.fake.close()  # nothing listens: every call is refused by the network
    queue(slack.engine, "test:network")

    def retried() -> bool:
        current = row(slack.engine, "test:network")
        return current.attempts >= 2 and current.claimed_until is None  # tried, failed, marked

    await run_worker(slack, retried)
    assert row(slack.engine, "test:network").state == "pending"
    assert "ClientConnectorError" in row(slack.engine, "test:network").last_error
    back = await FakeSlack().start(port=port)
    try:
        await run_worker(slack, lambda: row(slack.engine, "test:network").state == "sent")
        assert len(back.posts_tagged("test:network")) == 1
    finally:
        await back.close()


def test_what_failed_after_the_platforms_own_retries_is_judged_by_its_cause():
    class ConversationGone(Exception):
        """As bot.teams.retry names it: the bot left the conversation."""

    def wrapped(cause: BaseException) -> PlatformUnavailable:
        try:
            raise PlatformUnavailable("Teams refused the request") from cause
        except PlatformUnavailable as error:
            return error

    assert classify(wrapped(ConnectionError("reset"))) == 0.0  # tried again later
    assert classify(wrapped(ConversationGone())) is None  # never again
    assert classify(PlatformUnavailable("Haven is not installed in workspace T1")) is None
    assert classify(TimeoutError()) == 0.0
