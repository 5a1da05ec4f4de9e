"""What people and admins type reaches Teams as words: never markdown in a card, never a link."""

from typing import Any

from sqlmodel import select

from rituals.admin import set_leaders
from rituals.clock import utcnow
from rituals.lifecycle import close_occurrence, open_occurrence
from storage.models import AnonymousAnswer, Ritual, Team
from tests.bot.teams import payloads
from tests.bot.teams.conftest import install

LINK = "[Reset your password](https://evil.example)"
TYPED = f"**Urgent** {LINK} <at>Haven</at> _x_"
PEOPLE = ("29:alice", "29:bob", "29:cara", "29:dan", "29:eve")


def markdown_texts(node: Any) -> list[str]:
    """Return every text Teams renders as markdown: TextBlocks, facts, and message text."""
    found: list[str] = []
    if isinstance(node, dict):
        if node.get("type") == "TextBlock" and isinstance(node.get("text"), str):
            found.append(node["text"])
        if node.get("type") == "message" and node.get("textFormat") != "plain":
            found.append(str(node.get("text") or ""))
        if node.get("type") == "FactSet":
            found += [str(f.get("value")) for f in node.get("facts", [])]
        for value in node.values():
            found += markdown_texts(value)
    elif isinstance(node, list):
        for value in node:
            found += markdown_texts(value)
    return found


async def execute(teams, data: dict[str, Any], sender: str, *, personal: bool = False) -> Any:  # type: ignore[no-untyped-def]
    build = payloads.personal_execute if personal else payloads.card_execute
    response = await teams.post(build(teams.url, data, sender=sender))
    assert response.status == 200
    return await response.json()


async def test_injection_strings_through_every_ritual_and_admin_field_stay_words(teams):
    await install(teams)
    answers: list[Any] = []
    answers.append(
        await execute(teams, {"haven": "setup", "name": TYPED, "timezone": "UTC"}, "29:alice")
    )
    for kind in ("checkin", "failure_celebration", "anonymous_feedback"):
        answers.append(
            await execute(
                teams,
                {"haven": "ritual_add", "kind": kind, "question": TYPED, "mode": "shared"},
                "29:alice",
            )
        )
    for verb in ("status", "rituals", "leaders_form"):
        answers.append(await execute(teams, {"haven": verb}, "29:alice"))
    with teams.session() as session:
        team = session.exec(select(Team)).one()
        assert team.name == TYPED
        set_leaders(session=session, team=team, user_ids=["29:alice"])
        rounds = {}
        for ritual in session.exec(select(Ritual)):
            occurrence = await open_occurrence(
                session=session,
                notifiers=teams.runtime.notifiers,
                ritual_id=ritual.id,
                scheduled_at=utcnow(),
            )
            rounds[ritual.kind] = occurrence.id
    answers.append(
        await execute(
            teams,
            {"haven": "checkin", "occurrence_id": rounds["checkin"], "mood": 4, "text": TYPED},
            "29:bob",
        )
    )
    answers.append(
        await execute(
            teams,
            {
                "haven": "anonymous_story",
                "occurrence_id": rounds["failure_celebration"],
                "story": TYPED,
            },
            "29:cara",
        )
    )
    for person in PEOPLE:
        data = {
            "haven": "feedback",
            "occurrence_id": rounds["anonymous_feedback"],
            "text": TYPED,
            "allow_replies": "true",
        }
        answers.append(await execute(teams, data, person, personal=True))
    with teams.session() as session:
        await close_occurrence(
            session=session,
            notifiers=teams.runtime.notifiers,
            occurrence_id=rounds["anonymous_feedback"],
        )
        key = session.exec(select(AnonymousAnswer.key)).first()
    answers.append(
        await execute(
            teams,
            {"haven": "relay_reply", "item_key": key, "reply": TYPED},
            "29:alice",
            personal=True,
        )
    )

    sent = [call.body for call in teams.connector.calls if call.body]
    for text in markdown_texts(sent) + markdown_texts(answers):
        assert LINK not in text and "**Urgent**" not in text, text
    shown = " ".join(call.card_text for call in teams.connector.calls if call.body)
    assert shown.count(TYPED) >= 8  # it arrived, as typed: questions, word, story, answers, reply
