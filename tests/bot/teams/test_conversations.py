"""Installing and removing the bot: references and rosters stored, rituals paused on removal."""

import json

from sqlmodel import select

from bot.teams.conversations import loaded
from storage.models import Ritual
from storage.models_teams import TeamsConversation, TeamsRosterMember
from storage.teams import find_team
from tests.bot.teams import payloads
from tests.bot.teams.conftest import install, set_up_team
from tests.conftest import make_ritual


async def test_bot_added_to_a_team_stores_its_reference_reads_the_paged_roster_and_says_hello(
    teams,
):
    await install(teams)

    pages = teams.connector.sent("GET", payloads.TEAM)
    assert [c.path.endswith("/pagedmembers") for c in pages] == [
        True,
        True,
        True,
    ]  # 5 people, 2 a page
    welcome = teams.connector.posts(payloads.CHANNEL)
    assert len(welcome) == 1 and "Hi, I'm Haven" in welcome[0].card_text
    with teams.session() as session:
        row = session.get(TeamsConversation, payloads.CHANNEL)
        assert (row.kind, row.tenant_id, row.team_id) == ("channel", payloads.TENANT, payloads.TEAM)
        assert row.service_url == teams.url
        reference = loaded(row)
        assert reference.bot.id == payloads.BOT["id"] and reference.user is None
        roster = session.exec(select(TeamsRosterMember)).all()
        assert sorted(m.user_id for m in roster) == sorted(p["id"] for p in payloads.PEOPLE)
        assert [m.user_id for m in roster if m.is_owner] == ["29:alice"]


async def test_installation_update_add_reads_the_roster_without_a_second_greeting(teams):
    response = await teams.post(payloads.installation(teams.url, "add"))

    assert response.status == 201
    assert teams.connector.posts() == []
    with teams.session() as session:
        assert len(session.exec(select(TeamsRosterMember)).all()) == 5
        assert session.get(TeamsConversation, payloads.CHANNEL) is not None


async def test_removing_the_bot_pauses_the_team_rituals(teams, caplog):
    await set_up_team(teams)
    with teams.session() as session:
        team = find_team(session=session, name="Platform")
        make_ritual(session, team, "checkin")
        make_ritual(session, team, "safety_pulse")

    for activity in (payloads.installation(teams.url, "remove"), payloads.bot_removed(teams.url)):
        assert (await teams.post(activity)).status == 201

    with teams.session() as session:
        assert [r.paused for r in session.exec(select(Ritual))] == [True, True]
        assert session.get(TeamsConversation, payloads.CHANNEL).bot_removed
    assert "paused the rituals of Platform" in caplog.text


async def test_the_stored_reference_is_plain_json(teams):
    await install(teams)
    with teams.session() as session:
        stored = json.loads(session.get(TeamsConversation, payloads.CHANNEL).reference)
    assert stored["conversation"]["id"] == payloads.CHANNEL
    assert stored["serviceUrl"] == teams.url
