"""The safety pulse in personal chat, and reminders that go only to the person."""

from sqlmodel import select

from storage.models import Answer, Occurrence
from tests.bot.teams import payloads
from tests.bot.teams.conftest import set_up_team
from tests.bot.teams.rounds import open_round, remind


async def test_pulse_items_are_answered_from_the_personal_card(teams):
    await set_up_team(teams)
    occurrence = await open_round(teams, "safety_pulse")
    with teams.session() as session:
        items = [int(n) for n in session.get(Occurrence, occurrence.id).pulse_items.split(",")]
    [prompt] = teams.connector.posts("a:personal-29:bob")
    assert [b["id"] for b in prompt.card["body"] if b["type"] == "Input.ChoiceSet"] == [
        f"item_{n}" for n in items
    ]

    data = {"haven": "pulse", "occurrence_id": occurrence.id, **{f"item_{n}": "6" for n in items}}
    response = await teams.post(payloads.personal_execute(teams.url, data, sender="29:bob"))

    assert "That's all" in (await response.json())["value"]
    with teams.session() as session:
        assert sorted((a.item, a.score) for a in session.exec(select(Answer))) == [
            (n, 6) for n in items
        ]


async def test_an_empty_pulse_card_is_refused_with_a_reason(teams):
    await set_up_team(teams)
    occurrence = await open_round(teams, "safety_pulse")

    data = {"haven": "pulse", "occurrence_id": occurrence.id, "item_1": ""}
    response = await teams.post(payloads.personal_execute(teams.url, data, sender="29:bob"))

    assert "at least one statement" in (await response.json())["value"]


async def test_reminders_go_only_to_those_who_have_not_answered(teams):
    await set_up_team(teams)
    occurrence = await open_round(teams, "safety_pulse")
    with teams.session() as session:
        items = session.get(Occurrence, occurrence.id).pulse_items.split(",")
    data = {"haven": "pulse", "occurrence_id": occurrence.id, **{f"item_{n}": "5" for n in items}}
    await teams.post(payloads.personal_execute(teams.url, data, sender="29:bob"))

    nudged = await remind(teams, occurrence)

    assert nudged == 4
    reminded = [c.conversation_id for c in teams.connector.posts() if "⏰" in c.card_text]
    assert sorted(reminded) == sorted(
        f"a:personal-{p['id']}" for p in payloads.PEOPLE if p["id"] != "29:bob"
    )
    assert not any("⏰" in c.card_text for c in teams.connector.posts(payloads.CHANNEL))
