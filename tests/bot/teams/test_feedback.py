"""Anonymous feedback in personal chat: no user id stored or logged, one shuffled batch, relayed replies."""

import logging

from sqlmodel import select

from rituals.admin import set_leaders
from storage.models import AnonymousAnswer, AnonymousGuard
from storage.teams import find_team
from tests.bot.teams import payloads
from tests.bot.teams.conftest import set_up_team
from tests.bot.teams.rounds import close_round, open_round

AUTHORS = ("29:alice", "29:bob", "29:cara", "29:dan", "29:eve")


async def answer(
    teams, occurrence_id: int, sender: str, text: str, *, allow_replies: bool = False
) -> str:
    """Send the feedback card from a personal chat and return what Teams shows the author."""
    data = {
        "haven": "feedback",
        "occurrence_id": occurrence_id,
        "text": text,
        "allow_replies": "true" if allow_replies else "false",
    }
    response = await teams.post(payloads.personal_execute(teams.url, data, sender=sender))
    assert response.status == 200
    return (await response.json())["value"]


async def test_feedback_is_asked_in_personal_chat_stored_without_author_and_released_in_one_batch(
    teams, caplog
):
    caplog.set_level(logging.DEBUG)
    await set_up_team(teams)
    with teams.session() as session:
        set_leaders(
            session=session, team=find_team(session=session, name="Platform"), user_ids=["29:alice"]
        )
    occurrence = await open_round(
        teams, "anonymous_feedback", question="What makes it hard to speak up?"
    )

    created = teams.connector.sent("POST", "")
    assert sorted(c.body["members"][0]["id"] for c in created) == sorted(AUTHORS)
    for person in AUTHORS:
        [prompt] = teams.connector.posts(f"a:personal-{person}")
        assert "What makes it hard to speak up?" in prompt.card_text

    caplog.clear()
    for n, person in enumerate(AUTHORS):
        receipt = await answer(
            teams, occurrence.id, person, f"answer number {n}", allow_replies=person == "29:dan"
        )
        assert "Stored anonymously" in receipt
    twice = await answer(teams, occurrence.id, "29:bob", "again")
    assert "already answered" in twice

    logged = "\n".join(f"{r.getMessage()} {r.args}" for r in caplog.records)
    for person in AUTHORS:
        assert person not in logged
        assert payloads.person(person)["aadObjectId"] not in logged
    assert "answer number" not in logged
    with teams.session() as session:
        rows = session.exec(select(AnonymousAnswer)).all()
        assert len(rows) == 5
        for row in rows:
            assert not any(person in str(row.model_dump()) for person in AUTHORS)
        assert [row.reply_seal is not None for row in rows].count(True) == 1

    await close_round(teams, occurrence)
    [batch] = [
        c
        for c in teams.connector.posts("a:personal-29:alice")
        if "Anonymous answers" in c.card_text
    ]
    assert all(f"answer number {n}" in batch.card_text for n in range(5))
    with teams.session() as session:
        assert session.exec(select(AnonymousGuard)).all() == []
        keys = {row.key: row for row in session.exec(select(AnonymousAnswer))}
    replyable = next(key for key, row in keys.items() if row.reply_seal)

    data = {
        "haven": "relay_reply",
        "item_key": replyable,
        "reply": "Thank you, let's talk about it Monday.",
    }
    response = await teams.post(payloads.personal_execute(teams.url, data, sender="29:alice"))
    assert "relayed" in (await response.json())["value"]
    relayed = teams.connector.posts("a:personal-29:dan")[-1].card_text
    assert "let's talk about it Monday" in relayed and "answer number 3" in relayed


async def test_replies_to_an_answer_whose_author_did_not_allow_them_are_refused(teams):
    await set_up_team(teams)
    with teams.session() as session:
        set_leaders(
            session=session, team=find_team(session=session, name="Platform"), user_ids=["29:alice"]
        )
    occurrence = await open_round(teams, "anonymous_feedback")
    for person in AUTHORS:
        await answer(teams, occurrence.id, person, f"candid {person[-3:]}")
    await close_round(teams, occurrence)
    with teams.session() as session:
        key = session.exec(select(AnonymousAnswer.key)).first()

    data = {"haven": "relay_reply", "item_key": key, "reply": "Who wrote this?"}
    response = await teams.post(payloads.personal_execute(teams.url, data, sender="29:alice"))

    assert "chose not to receive replies" in (await response.json())["value"]


async def test_too_few_answers_are_withheld_from_the_leader(teams):
    await set_up_team(teams)
    with teams.session() as session:
        set_leaders(
            session=session, team=find_team(session=session, name="Platform"), user_ids=["29:alice"]
        )
    occurrence = await open_round(teams, "anonymous_feedback")
    for person in AUTHORS[:2]:
        await answer(teams, occurrence.id, person, "few")

    await close_round(teams, occurrence)

    assert not any(
        "Anonymous answers" in c.card_text for c in teams.connector.posts("a:personal-29:alice")
    )


async def test_a_feedback_card_submitted_as_a_message_logs_no_author_in_haven_logs(teams, caplog):
    await set_up_team(teams)
    occurrence = await open_round(teams, "anonymous_feedback")
    caplog.clear()
    caplog.set_level(logging.DEBUG)

    data = {
        "haven": "feedback",
        "occurrence_id": occurrence.id,
        "text": "secret words",
        "allow_replies": "false",
    }
    assert (await teams.post(payloads.card_submit(teams.url, data, sender="29:eve"))).status == 201

    assert "Stored anonymously" in teams.connector.posts("a:personal-29:eve")[-1].card_text
    # urllib3 (DEBUG) and the fake connector's access log print request paths; Haven's own never do.
    ours = [
        r
        for r in caplog.records
        if r.name.split(".")[0] in ("bot", "rituals", "storage", "botbuilder")
    ]
    assert ours and not [
        r for r in ours if "eve" in f"{r.getMessage()} {r.args}" or "secret" in r.getMessage()
    ]
