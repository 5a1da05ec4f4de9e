"""Anonymous feedback in Slack: DMs, answers stored without a user id, release at k, leader replies."""

import logging

from sqlmodel import Session, select

from rituals.lifecycle import close_occurrence
from rituals.relay import new_relay_key
from storage.models import AnonymousAnswer, AnonymousGuard
from tests.bot.slack.conftest import (
    PEOPLE,
    make_slack_ritual,
    make_slack_team,
    serve,
    slack_settings,
)


def rows(engine):  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return session.exec(select(AnonymousAnswer)).all()


async def answer(slack, occurrence, user, text, *, replies=False):  # type: ignore[no-untyped-def]
    values = {"answer": ("plain_text_input", text)}
    if replies:
        values["replies"] = ("checkboxes", ["yes"])
    return await slack.submit(
        user=user,
        callback_id="haven_feedback_view",
        private_metadata=str(occurrence.id),
        values=values,
    )


async def test_each_member_gets_a_dm_with_a_button(slack, session):
    ritual = make_slack_ritual(
        session,
        make_slack_team(session),
        "anonymous_feedback",
        question="What makes it hard to speak up?",
    )
    occurrence = await slack.open(ritual.id)
    opened = {c.args["users"] for c in slack.fake.calls_to("conversations.open")}
    assert opened == set(PEOPLE)
    dms = slack.fake.calls_to("chat.postMessage")
    assert {d.args["channel"] for d in dms} == {"D0" + u[2:] for u in PEOPLE}
    button = dms[0].args["blocks"][-1]["elements"][0]
    assert (button["action_id"], button["value"]) == ("haven_feedback_answer", str(occurrence.id))


async def test_an_answer_is_stored_without_the_user_id_and_never_logged(slack, session, caplog):
    caplog.set_level(logging.DEBUG)
    ritual = make_slack_ritual(session, make_slack_team(session), "anonymous_feedback")
    occurrence = await slack.open(ritual.id)
    await slack.action(
        user="U0ANA", action_id="haven_feedback_answer", value=str(occurrence.id), channel="D0ANA"
    )
    await slack.settle()
    (opened,) = slack.fake.calls_to("views.open")
    assert opened.args["view"]["private_metadata"] == str(occurrence.id)
    caplog.clear()
    calls_before = len(slack.fake.calls)
    response = await answer(
        slack, occurrence, "U0ANA", "Meetings run over and nobody asks questions."
    )
    body = await response.json()
    assert body["response_action"] == "update"
    await slack.settle()
    (row,) = rows(slack.engine)
    assert "U0ANA" not in str(row.model_dump()) and row.reply_seal is None
    assert not [r for r in caplog.records if "U0ANA" in r.getMessage() or "ANA" in str(r.args)]
    assert len(slack.fake.calls) == calls_before  # nothing sent anywhere on the answer's behalf
    again = await answer(slack, occurrence, "U0ANA", "A second go")
    assert (await again.json())["response_action"] == "errors"
    assert len(rows(slack.engine)) == 1


async def test_leaders_get_one_shuffled_batch_only_once_k_answers_exist(slack, session):
    ritual = make_slack_ritual(
        session, make_slack_team(session, threshold_texts=3), "anonymous_feedback"
    )
    few = await slack.open(ritual.id, minutes_ago=10)
    for user in ("U0ANA", "U0BEN"):
        await answer(slack, few, user, f"{user[2:]} thinks deadlines are tight")
    with Session(slack.engine, expire_on_commit=False) as s:
        await close_occurrence(session=s, notifiers=slack.notifiers, occurrence_id=few.id)
    assert not [
        c
        for c in slack.fake.calls_to("chat.postMessage")
        if c.args["channel"] == "D0LEA"
        and "Anonymous answers" in c.args["text"] + str(c.args["blocks"])
    ]

    enough = await slack.open(ritual.id)
    texts = {"Deadlines are tight", "Nobody admits mistakes", "Reviews feel personal"}
    for user, text in zip(("U0ANA", "U0BEN", "U0CAI"), sorted(texts), strict=True):
        await answer(slack, enough, user, text)
    with Session(slack.engine, expire_on_commit=False) as s:
        await close_occurrence(session=s, notifiers=slack.notifiers, occurrence_id=enough.id)
    (batch,) = [
        c
        for c in slack.fake.calls_to("chat.postMessage")
        if c.args["text"].endswith("anonymous answers")
    ]
    assert batch.args["channel"] == "D0LEA"
    items = [
        b
        for b in batch.args["blocks"]
        if b["type"] == "section" and b["text"]["text"].startswith("• ")
    ]
    assert {b["text"]["text"].lstrip("• ") for b in items} == texts
    assert not any("accessory" in b for b in items)  # nobody allowed replies
    with Session(slack.engine) as s:
        assert s.exec(select(AnonymousGuard)).all() == []


async def test_a_leaders_reply_reaches_the_author_who_stays_unknown(
    database_url, engine, fake_slack
):
    from bot.server import create_app
    from tests.bot.slack.conftest import SlackHarness

    settings = slack_settings(database_url, fake_slack, HAVEN_RELAY_KEY=new_relay_key())
    app = create_app(settings=settings, engine=engine, schedule=False)
    client = await serve(app)
    slack = SlackHarness(client=client, fake=fake_slack, app=app, engine=engine)
    try:
        with Session(engine, expire_on_commit=False) as session:
            ritual = make_slack_ritual(
                session, make_slack_team(session, threshold_texts=3), "anonymous_feedback"
            )
        occurrence = await slack.open(ritual.id)
        await slack.action(
            user="U0BEN",
            action_id="haven_feedback_answer",
            value=str(occurrence.id),
            channel="D0BEN",
        )
        await slack.settle()
        modal = slack.fake.calls_to("views.open")[-1].args["view"]
        assert any(b["block_id"] == "replies" for b in modal["blocks"] if "block_id" in b)
        await answer(slack, occurrence, "U0BEN", "I would like more say in planning", replies=True)
        await answer(slack, occurrence, "U0ANA", "Standups are too long")
        await answer(slack, occurrence, "U0CAI", "Praise is rare")
        with Session(engine, expire_on_commit=False) as s:
            await close_occurrence(
                session=s, notifiers=slack.notifiers, occurrence_id=occurrence.id
            )
        sealed = next(r for r in rows(engine) if r.reply_seal)
        await slack.action(
            user="U0LEA", action_id="haven_relay_reply", value=sealed.key, channel="D0LEA"
        )
        await slack.settle()
        reply_modal = slack.fake.calls_to("views.open")[-1].args["view"]
        assert reply_modal["private_metadata"] == sealed.key and "U0BEN" not in str(reply_modal)
        response = await slack.submit(
            user="U0LEA",
            callback_id="haven_relay_view",
            private_metadata=sealed.key,
            values={"reply": ("plain_text_input", "Let's plan the next sprint together.")},
        )
        body = await response.json()
        assert (
            body["response_action"] == "update"
            and "U0BEN" not in str(body)
            and "Ben" not in str(body)
        )
        relayed = slack.fake.calls_to("chat.postMessage")[-1]
        assert relayed.args["channel"] == "D0BEN"
        assert "plan the next sprint" in str(relayed.args["blocks"])
        not_leader = await slack.submit(
            user="U0ANA",
            callback_id="haven_relay_view",
            private_metadata=sealed.key,
            values={"reply": ("plain_text_input", "hi")},
        )
        assert (await not_leader.json())["response_action"] == "errors"
    finally:
        await slack.settle()
        await client.close()
