"""The weekly digest reaches leaders in personal chat as a card; their commitment is saved."""

from datetime import UTC, datetime

from sqlmodel import select

from bot.teams.icons import color_icon
from rituals.admin import set_leaders
from rituals.digest import iter_digests
from rituals.digest_delivery import deliver_due_digests
from rituals.messages import DigestMessage
from rituals.ports import PersonAddress
from storage.models_digest import LeaderCommitment
from storage.teams import find_team
from tests.bot.teams import payloads
from tests.bot.teams.conftest import set_up_team

WEEK = "2026-W47"
MONDAY_NOON = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
ALICE = PersonAddress(platform="teams", workspace=payloads.TENANT, user_id="29:alice")
SMALL_CHART = color_icon(32)


async def test_leaders_receive_the_digest_card_with_its_chart_and_save_a_commitment(teams):
    await set_up_team(teams)
    with teams.session() as session:
        team = find_team(session=session, name="Platform")
        set_leaders(session=session, team=team, user_ids=["29:alice"])
    with teams.session() as session:
        [document] = iter_digests(
            session=session, first_week=WEEK, last_week=WEEK, team_ids=[team.id]
        )
    # Sent as rituals.digest_delivery does, without its claim rows (see the report on PostgreSQL).
    message = DigestMessage(
        document=document, chart_png=SMALL_CHART, chart_alt_text="Mood held steady."
    )
    await teams.notifier.send_direct(person=ALICE, message=message)

    [card] = [
        c
        for c in teams.connector.posts("a:personal-29:alice")
        if "Weekly safety digest" in c.card_text
    ]
    images = [b for b in card.card["body"] if b["type"] == "Image"]
    assert images and images[0]["url"].startswith("data:image/png;base64,")
    [save] = [a for a in card.card["actions"] if a["data"]["haven"] == "digest_commit"]
    assert teams.connector.posts("a:personal-29:bob") == []  # members get no digest

    data = {**save["data"], "commitment": "I will share my own failure first on Friday."}
    response = await teams.post(payloads.card_submit(teams.url, data, sender="29:alice"))

    assert response.status == 201
    assert "Saved" in teams.connector.posts("a:personal-29:alice")[-1].card_text
    with teams.session() as session:
        [commitment] = session.exec(select(LeaderCommitment)).all()
    assert commitment.text == "I will share my own failure first on Friday."


async def test_only_leaders_can_answer_a_digest(teams):
    await set_up_team(teams)
    with teams.session() as session:
        team = find_team(session=session, name="Platform")
        team_id = team.id

    data = {"haven": "digest_commit", "team_id": team_id, "iso_week": "2026-W47", "commitment": "x"}
    await teams.post(payloads.card_submit(teams.url, data, sender="29:bob"))

    assert "Only the leaders" in teams.connector.posts("a:personal-29:bob")[-1].card_text


async def test_the_scheduled_delivery_sends_each_leader_one_digest_card(teams, database_url):
    await set_up_team(teams)
    with teams.session() as session:
        set_leaders(
            session=session, team=find_team(session=session, name="Platform"), user_ids=["29:alice"]
        )
    for _run in range(2):
        with teams.session() as session:
            await deliver_due_digests(
                session=session, notifiers=teams.runtime.notifiers, now=MONDAY_NOON
            )

    cards = [
        c
        for c in teams.connector.posts("a:personal-29:alice")
        if "Weekly safety digest" in c.card_text
    ]
    assert len(cards) == 1
