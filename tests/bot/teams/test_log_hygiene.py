"""A full run of every ritual in Teams, logged at DEBUG: no body, no anonymous text, no secret."""

from sqlmodel import select

from rituals.admin import set_leaders
from storage.models import AnonymousAnswer, Occurrence
from storage.teams import find_team
from tests.bot.teams import payloads
from tests.bot.teams.conftest import RELAY_KEY, set_up_team
from tests.bot.teams.rounds import close_round, open_round
from tests.log_hygiene import BODY, assert_clean, log_everything

AUTHORS = [person["id"] for person in payloads.PEOPLE]
ANONYMOUS = AUTHORS + [person["aadObjectId"] for person in payloads.PEOPLE]


async def execute(teams, data, *, sender, personal=False):  # type: ignore[no-untyped-def]
    activity = (
        payloads.personal_execute(teams.url, data, sender=sender)
        if personal
        else payloads.card_execute(teams.url, data, sender=sender)
    )
    response = await teams.post(activity)
    assert response.status == 200
    return (await response.json())["value"]


async def test_every_ritual_leaves_no_body_secret_or_anonymous_author_in_the_log(teams, caplog):
    log_everything(caplog)
    secrets = [RELAY_KEY]
    await set_up_team(teams)
    with teams.session() as session:
        set_leaders(
            session=session, team=find_team(session=session, name="Platform"), user_ids=["29:alice"]
        )

    # Named rituals: bodies and secrets must stay out of the log.
    checkin = await open_round(teams, "checkin")
    await execute(
        teams,
        {"haven": "checkin", "occurrence_id": checkin.id, "mood": 4, "text": f"{BODY} focused"},
        sender="29:eve",
    )
    await close_round(teams, checkin)
    thread = await open_round(teams, "failure_celebration")
    with teams.session() as session:
        root = session.get(Occurrence, thread.id).message_ref
    await teams.post(
        payloads.channel_message(
            teams.url, f"{BODY} I broke the build", sender="29:eve", thread=root, mention=False
        )
    )
    pulse = await open_round(teams, "safety_pulse")
    item = pulse.pulse_items.split(",")[0]
    await execute(
        teams,
        {"haven": "pulse", "occurrence_id": pulse.id, f"item_{item}": "6"},
        sender="29:eve",
        personal=True,
    )
    await close_round(teams, pulse)
    assert_clean(caplog.records, secrets=secrets)

    # Anonymous actions: nor may the id of whoever acted appear next to them.
    caplog.clear()
    await execute(
        teams,
        {"haven": "anonymous_story", "occurrence_id": thread.id, "story": f"{BODY} anonymous"},
        sender="29:bob",
    )
    question = await open_round(teams, "anonymous_feedback", question="What blocks you?")
    caplog.clear()
    for person in AUTHORS:  # k = 5 for texts: every one of them answers
        receipt = await execute(
            teams,
            {
                "haven": "feedback",
                "occurrence_id": question.id,
                "text": f"{BODY} anonymous {person}",
                "allow_replies": "true" if person == "29:dan" else "false",
            },
            sender=person,
            personal=True,
        )
        assert "Stored anonymously" in receipt
    assert_clean(caplog.records, secrets=secrets, anonymous_actors=ANONYMOUS)
    await close_round(teams, thread)
    await close_round(teams, question)
    with teams.session() as session:
        sealed = next(a for a in session.exec(select(AnonymousAnswer)) if a.reply_seal)
    caplog.clear()
    relayed = await execute(
        teams,
        {"haven": "relay_reply", "item_key": sealed.key, "reply": f"{BODY} thank you"},
        sender="29:alice",
        personal=True,
    )
    assert "relayed" in relayed
    assert_clean(caplog.records, secrets=secrets, anonymous_actors=["29:dan", "aad-dan"])

    # The person's own data, exported and erased, stays out of the log too.
    caplog.clear()
    await execute(teams, {"haven": "privacy_export"}, sender="29:eve", personal=True)
    await execute(teams, {"haven": "privacy_erase"}, sender="29:eve", personal=True)
    assert_clean(caplog.records, secrets=secrets)
