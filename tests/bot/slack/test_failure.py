"""Failure celebration in Slack: thread replies counted, the bot's own posts ignored, anonymous stories."""

import logging

import pytest
from sqlmodel import Session, select

from rituals.lifecycle import close_occurrence
from storage.models import AnonymousAnswer, Member, Story
from tests.bot.slack.conftest import CHANNEL, make_slack_ritual, make_slack_team
from tests.bot.slack.fake_slack import BOT_ID, BOT_USER


def reply(
    occurrence,
    *,
    user="U0ANA",
    text="Deployed without a rollback plan; now we have one.",
    ts="1767000200.000100",
    **extra,
):  # type: ignore[no-untyped-def]
    return {
        "type": "message",
        "channel": CHANNEL,
        "user": user,
        "text": text,
        "ts": ts,
        "thread_ts": occurrence.message_ref,
        "event_ts": ts,
        "channel_type": "channel",
        **extra,
    }


def stories(engine):  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return session.exec(select(Story)).all()


async def test_the_opener_invites_replies_and_offers_anonymous_sharing(slack, session):
    ritual = make_slack_ritual(session, make_slack_team(session), "failure_celebration")
    occurrence = await slack.open(ritual.id)
    (post,) = slack.fake.calls_to("chat.postMessage")
    (button,) = [e for b in post.args["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert (button["action_id"], button["value"]) == ("haven_failure_share", str(occurrence.id))


async def test_thread_replies_are_counted_and_scored_and_the_bots_own_ignored(slack, session):
    ritual = make_slack_ritual(session, make_slack_team(session), "failure_celebration")
    occurrence = await slack.open(ritual.id)
    await slack.event(reply(occurrence))
    await slack.event(
        reply(occurrence, user=BOT_USER, ts="1767000200.000200", bot_id=BOT_ID, text="bot")
    )
    await slack.event(reply(occurrence, ts="1767000200.000300", subtype="message_changed"))
    await slack.event({**reply(occurrence, ts="1767000200.000400"), "thread_ts": "1111.2222"})
    await slack.event({**reply(occurrence, ts="1767000200.000500"), "thread_ts": None})
    await slack.settle()
    (story,) = stories(slack.engine)
    assert story.message_ref == "1767000200.000100"
    assert (
        story.text.startswith("Deployed") and story.sentiment is not None
    ) or story.sentiment is None


async def test_a_story_reply_is_stored_when_slack_hears_the_200_and_named_after(slack, session):
    ritual = make_slack_ritual(session, make_slack_team(session), "failure_celebration")
    occurrence = await slack.open(ritual.id)
    slack.fake.add_user("U0NEW", "Noor")  # joined the channel after the round opened
    slack.fake.delay["users.info"] = 1.0  # the name look-up must not stand before the store
    response = await slack.event(reply(occurrence, user="U0NEW"))
    assert response.status == 200
    (story,) = stories(slack.engine)  # stored before the acknowledgement, not after it
    assert story.message_ref == "1767000200.000100"
    await slack.settle()
    with Session(slack.engine) as s:
        author = s.get(Member, story.member_id)
    assert author is not None and author.display_name == "Noor"  # users.info after the store


async def test_a_reply_the_database_cannot_store_is_refused_alone_and_its_author_told(
    slack, session
):
    ritual = make_slack_ritual(session, make_slack_team(session), "failure_celebration")
    occurrence = await slack.open(ritual.id)
    broken = reply(occurrence, user="U0BEN", ts="1767000200.000200", text="Lost \ud800 a day.")
    responses = [
        await slack.event(reply(occurrence, user="U0ANA")),
        await slack.event(broken),
        await slack.event(reply(occurrence, user="U0CAI", ts="1767000200.000300")),
    ]
    assert [r.status for r in responses] == [200, 200, 200]  # retrying would not help
    await slack.settle()
    assert {s.message_ref for s in stories(slack.engine)} == {
        "1767000200.000100",
        "1767000200.000300",
    }
    (told,) = slack.fake.calls_to("chat.postEphemeral")
    assert told.args["user"] == "U0BEN" and "not counted" in told.args["text"]


async def test_reactions_to_a_story_are_counted(slack, session):
    ritual = make_slack_ritual(session, make_slack_team(session), "failure_celebration")
    occurrence = await slack.open(ritual.id)
    await slack.event(reply(occurrence))
    await slack.settle()
    item = {"type": "message", "channel": CHANNEL, "ts": "1767000200.000100"}
    for user in ("U0BEN", "U0CAI"):
        await slack.event(
            {
                "type": "reaction_added",
                "user": user,
                "reaction": "tada",
                "item": item,
                "item_user": "U0ANA",
                "event_ts": "1767000300.000100",
            }
        )
    await slack.event(
        {
            "type": "reaction_removed",
            "user": "U0CAI",
            "reaction": "tada",
            "item": item,
            "item_user": "U0ANA",
            "event_ts": "1767000300.000200",
        }
    )
    await slack.settle()
    assert stories(slack.engine)[0].reactions == 1


async def test_sharing_anonymously_posts_the_story_in_the_thread_with_no_trace_of_the_author(
    slack, session, caplog
):
    caplog.set_level(logging.DEBUG)
    ritual = make_slack_ritual(session, make_slack_team(session), "failure_celebration")
    occurrence = await slack.open(ritual.id)
    caplog.clear()  # opening looked every member up; the anonymous path must not
    await slack.action(user="U0DEV", action_id="haven_failure_share", value=str(occurrence.id))
    await slack.settle()
    (opened,) = slack.fake.calls_to("views.open")
    assert opened.args["view"]["private_metadata"] == str(occurrence.id)
    response = await slack.submit(
        user="U0DEV",
        callback_id="haven_failure_story_view",
        private_metadata=str(occurrence.id),
        values={"story": ("plain_text_input", "I broke the build and hid it for a day.")},
    )
    assert response.status == 200
    assert (await response.json())["response_action"] == "update"
    await slack.settle()
    posted = slack.fake.calls_to("chat.postMessage")[-1]
    assert posted.args["thread_ts"] == occurrence.message_ref
    assert "I broke the build" in posted.args["blocks"][0]["text"]["text"]
    assert "U0DEV" not in str(posted.args) and "Dev" not in str(posted.args["blocks"])
    with Session(slack.engine) as s:
        (row,) = s.exec(select(AnonymousAnswer)).all()
    assert row.kind == "story" and "U0DEV" not in str(row.model_dump())
    assert stories(slack.engine) == []
    assert not [r for r in caplog.records if "U0DEV" in r.getMessage()]


async def test_the_summary_replaces_the_opener_at_close(slack, session):
    ritual = make_slack_ritual(session, make_slack_team(session), "failure_celebration")
    occurrence = await slack.open(ritual.id)
    await slack.event(reply(occurrence))
    await slack.settle()
    with Session(slack.engine, expire_on_commit=False) as s:
        await close_occurrence(session=s, notifiers=slack.notifiers, occurrence_id=occurrence.id)
    (update,) = slack.fake.calls_to("chat.update")
    assert update.args["ts"] == occurrence.message_ref
    assert "1 story shared" in str(update.args["blocks"])


async def test_a_story_the_database_fails_to_store_gets_a_503_and_slacks_retry_is_stored(
    slack, session
):
    if slack.engine.dialect.name != "postgresql":
        pytest.skip("a trigger that fails like a full disk is written for PostgreSQL")
    ritual = make_slack_ritual(session, make_slack_team(session), "failure_celebration")
    occurrence = await slack.open(ritual.id)
    with slack.engine.begin() as connection:  # the database fails every story insert for now
        connection.exec_driver_sql(
            "CREATE FUNCTION refuse_story() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION 'could not extend file'; END $$ LANGUAGE plpgsql"
        )
        connection.exec_driver_sql(
            "CREATE TRIGGER refuse_story BEFORE INSERT ON story "
            "FOR EACH ROW EXECUTE FUNCTION refuse_story()"
        )
    failed = await slack.event(reply(occurrence), event_id="EvSTORY1")
    assert failed.status == 503  # not stored, so not acknowledged: Slack sends it again
    assert stories(slack.engine) == []
    with slack.engine.begin() as connection:  # the database recovers
        connection.exec_driver_sql("DROP TRIGGER refuse_story ON story")
    retried = await slack.event(reply(occurrence), event_id="EvSTORY1", retry_num=1)
    assert retried.status == 200
    assert [story.message_ref for story in stories(slack.engine)] == ["1767000200.000100"]
