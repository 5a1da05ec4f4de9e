"""The check-in ritual in a Teams channel, end to end through /api/messages and the fake connector."""

import asyncio

from sqlmodel import select

from storage.models import Answer, Member, Occurrence
from tests.bot.teams import payloads
from tests.bot.teams.conftest import set_up_team
from tests.bot.teams.rounds import close_round, open_round

THREAD = f"{payloads.CHANNEL};messageid="


def mood(occurrence_id: int, value: int, text: str = "") -> dict:
    """Return the data of a mood button (with the card's text input)."""
    return {"haven": "checkin", "occurrence_id": occurrence_id, "mood": value, "text": text}


async def answer(teams, data: dict, sender: str) -> str:
    """Click a mood on the card and return what Teams shows the clicker."""
    response = await teams.post(payloads.card_execute(teams.url, data, sender=sender))
    assert response.status == 200
    body = await response.json()
    assert body["type"] == "application/vnd.microsoft.activity.message"
    await teams.runtime.checkins.settled()  # the thread reply follows the commit
    return body["value"]


async def test_shared_checkin_posts_the_card_records_replaces_and_closes_with_a_summary(teams):
    await set_up_team(teams)
    occurrence = await open_round(teams, "checkin", mode="shared")

    prompt = teams.connector.posts(payloads.CHANNEL)[-1]
    assert "Check-in" in prompt.card_text
    buttons = prompt.card["actions"]
    assert [b["type"] for b in buttons] == ["Action.Execute"] * 5
    assert buttons[3]["data"] == {"haven": "checkin", "occurrence_id": occurrence.id, "mood": 4}
    with teams.session() as session:
        stored = session.get(Occurrence, occurrence.id)
        assert stored.message_ref and stored.invited_count == 5

    assert (await answer(teams, mood(occurrence.id, 4, "focused"), "29:bob")).startswith(
        "Checked in: 4 (Good)"
    )
    thread = teams.connector.posts(THREAD + stored.message_ref)
    assert len(thread) == 1 and "Bob" in thread[0].card_text and "focused" in thread[0].card_text

    again = await answer(teams, mood(occurrence.id, 2), "29:bob")
    assert again.startswith("Changed your check-in to 2 (Meh) — “focused”")
    updates = teams.connector.sent("PUT")
    assert len(updates) == 1 and "2/5" in updates[0].card_text
    assert len(teams.connector.posts(THREAD + stored.message_ref)) == 1  # replaced, not added
    with teams.session() as session:
        bob = session.exec(select(Member).where(Member.platform_user_id == "29:bob")).one()
        answers = session.exec(select(Answer).where(Answer.member_id == bob.id)).all()
        assert [(a.mood, a.text) for a in answers] == [(2, "focused")]

    for person in ("29:alice", "29:cara"):
        await answer(teams, mood(occurrence.id, 5), person)
    await close_round(teams, occurrence)
    summary = teams.connector.sent("PUT", payloads.CHANNEL)[-1]
    assert summary.path.endswith(f"/activities/{stored.message_ref}")
    assert "Check-in closed" in summary.card_text and "3 of 5 checked in" in summary.card_text


async def test_private_checkin_keeps_answers_out_of_the_channel(teams):
    await set_up_team(teams)
    occurrence = await open_round(teams, "checkin", mode="private")
    posts_before = len(teams.connector.posts())

    for person, value in (("29:bob", 1), ("29:cara", 2), ("29:dan", 2)):
        await answer(teams, mood(occurrence.id, value, "tired"), person)
    await close_round(teams, occurrence)

    assert len(teams.connector.posts()) == posts_before  # nothing posted per answer
    summary = teams.connector.sent("PUT")[-1].card_text
    assert "3 of 5 checked in" in summary and "tired" not in summary and "Bob" not in summary


async def test_a_mood_outside_the_scale_is_refused_and_shown(teams):
    await set_up_team(teams)
    occurrence = await open_round(teams, "checkin")

    shown = await answer(teams, mood(occurrence.id, 9), "29:bob")

    assert "from 1 to 5" in shown
    with teams.session() as session:
        assert session.exec(select(Answer)).all() == []


async def test_a_card_submitted_as_a_message_gets_its_receipt_in_personal_chat(teams):
    await set_up_team(teams)
    occurrence = await open_round(teams, "checkin", mode="private")

    response = await teams.post(
        payloads.card_submit(teams.url, mood(occurrence.id, 3), sender="29:cara", personal=False)
    )

    assert response.status == 201
    created = teams.connector.sent("POST", "")  # POST /v3/conversations: a personal chat with Cara
    assert [c.body["members"][0]["id"] for c in created] == ["29:cara"]
    receipt = teams.connector.posts("a:personal-29:cara")
    assert len(receipt) == 1 and "Checked in: 3" in receipt[0].card_text
    assert not any("Checked in" in c.card_text for c in teams.connector.posts(payloads.CHANNEL))


async def test_people_outside_the_team_or_the_tenant_cannot_answer(teams):
    await set_up_team(teams)
    occurrence = await open_round(teams, "checkin")
    stranger = payloads.card_execute(teams.url, mood(occurrence.id, 5), sender="29:bob")
    stranger["from"] = {"id": "29:mallory", "name": "Mallory"}
    elsewhere = payloads.card_execute(teams.url, mood(occurrence.id, 5), sender="29:bob")
    elsewhere["channelData"]["tenant"]["id"] = elsewhere["conversation"]["tenantId"] = (
        "other-tenant"
    )

    assert "Only members of team Platform" in (await (await teams.post(stranger)).json())["value"]
    assert "another organisation" in (await (await teams.post(elsewhere)).json())["value"]
    with teams.session() as session:
        assert session.exec(select(Answer)).all() == []


async def test_clicks_arriving_together_are_stored_at_their_reply_and_a_bad_one_alone_is_refused(
    teams,
):
    await set_up_team(teams)
    occurrence = await open_round(teams, "checkin", mode="private")
    texts = {"29:alice": "calm", "29:bob": "broken \ud800", "29:cara": "", "29:dan": "ok"}
    replies = await asyncio.gather(
        *(
            teams.post(payloads.card_execute(teams.url, mood(occurrence.id, 4, text), sender=who))
            for who, text in texts.items()
        )
    )
    said = {}
    for who, response in zip(texts, replies, strict=True):
        assert response.status == 200
        said[who] = (await response.json())["value"]
    with teams.session() as session:  # stored by the time each reply came back
        rows = session.exec(
            select(Member.platform_user_id, Answer.text)
            .join(Answer, Answer.member_id == Member.id)
            .where(Answer.occurrence_id == occurrence.id)
        ).all()
    assert dict(rows) == {"29:alice": "calm", "29:cara": None, "29:dan": "ok"}
    assert said["29:bob"] == (
        "Your answer was not stored: the text contains a broken character (a lone surrogate). "
        "Please type it again."
    )
    assert all(said[who].startswith("Checked in: 4") for who in ("29:alice", "29:cara", "29:dan"))
