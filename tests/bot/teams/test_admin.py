"""Admin commands and forms in Teams: only Haven admins and the team's owners change anything."""

from sqlmodel import select

from bot.teams.dispatch import UNKNOWN
from bot.teams.rights import NOT_ADMIN
from storage.models import Member, Ritual, Team
from tests.bot.teams import payloads
from tests.bot.teams.conftest import install, make_admin, set_up_team


async def execute(teams, data: dict, sender: str) -> str:
    """Press an Action.Execute button in the channel and return what Teams shows the clicker."""
    response = await teams.post(payloads.card_execute(teams.url, data, sender=sender))
    assert response.status == 200
    return (await response.json())["value"]


async def say(teams, text: str, sender: str = "29:alice") -> str:
    """Mention Haven in the channel and return the text of its reply."""
    before = len(teams.connector.posts())
    assert (
        await teams.post(payloads.channel_message(teams.url, text, sender=sender))
    ).status == 201
    [reply] = teams.connector.posts()[before:]
    return reply.card_text


async def test_the_team_owner_sets_up_the_channel_with_the_setup_card(teams):
    await install(teams)

    form = await say(teams, "setup")
    assert "Set up Haven for this channel" in form
    assert "is team Platform" in await execute(
        teams,
        {
            "haven": "setup",
            "name": "Platform",
            "timezone": "Europe/Berlin",
            "working_days": "mon,wed",
            "threshold": "4",
        },
        "29:alice",
    )

    with teams.session() as session:
        [team] = session.exec(select(Team)).all()
    assert (team.channel, team.timezone, team.working_days, team.threshold_texts) == (
        payloads.CHANNEL,
        "Europe/Berlin",
        "mon,wed",
        4,
    )


async def test_a_non_admin_cannot_change_anything(teams):
    await set_up_team(teams)
    with teams.session() as session:
        rituals_before = session.exec(select(Ritual)).all()

    assert NOT_ADMIN in await say(teams, "setup", sender="29:bob")
    for data in (
        {"haven": "setup", "name": "Taken over"},
        {"haven": "ritual_add", "kind": "checkin"},
        {"haven": "ritual_pause", "ritual_id": 1},
        {"haven": "ritual_run", "ritual_id": 1},
        {"haven": "leaders", "leaders": "29:bob"},
    ):
        assert await execute(teams, data, "29:bob") == NOT_ADMIN
    assert NOT_ADMIN in await say(teams, "rituals add checkin", sender="29:bob")

    with teams.session() as session:
        assert [t.name for t in session.exec(select(Team))] == ["Platform"]
        assert session.exec(select(Ritual)).all() == rituals_before
        assert not any(m.is_leader for m in session.exec(select(Member)))


async def test_a_haven_admin_from_the_database_may_change_the_setup(teams):
    await set_up_team(teams)
    with teams.session() as session:
        make_admin(session, "aad-bob")  # named by Entra object id, as a config file would

    assert "Added ritual" in await say(teams, "rituals add checkin 55 9 * * mon", sender="29:bob")


async def test_rituals_are_listed_added_edited_paused_resumed_and_run(teams):
    await set_up_team(teams)

    assert "Added ritual 1 'checkin' on `55 9 * * mon`" in await say(teams, "rituals add checkin")
    assert "Added ritual 2 'safety_pulse'" in await say(
        teams, "rituals add safety_pulse 0 11 * * wed"
    )
    listing = await say(teams, "rituals")
    assert "1. checkin" in listing and "2. safety_pulse" in listing and "Add a ritual" in listing

    saved = await execute(
        teams,
        {
            "haven": "ritual_edit",
            "ritual_id": 1,
            "schedule": "0 10 * * tue",
            "mode": "private",
            "question": "Weather?",
        },
        "29:alice",
    )
    assert "`0 10 * * tue`" in saved
    assert "paused" in await say(teams, "rituals pause 2")
    assert "active again" in await execute(
        teams, {"haven": "ritual_resume", "ritual_id": 2}, "29:alice"
    )
    assert "Opened 'checkin' (5 invited)" in await execute(
        teams, {"haven": "ritual_run", "ritual_id": 1}, "29:alice"
    )
    assert "already opened this minute" in await execute(
        teams, {"haven": "ritual_run", "ritual_id": 1}, "29:alice"
    )
    assert "not a valid five-field cron" in await say(teams, "rituals add checkin 61 9 * * mon")

    with teams.session() as session:
        checkin = session.get(Ritual, 1)
    assert (checkin.schedule, checkin.mode, checkin.question) == (
        "0 10 * * tue",
        "private",
        "Weather?",
    )


async def test_leaders_are_chosen_from_the_roster(teams):
    await set_up_team(teams)

    form = await say(teams, "leaders")
    assert "Alice Owner" in form and "Eve" in form
    assert (
        await execute(teams, {"haven": "leaders", "leaders": "29:alice,29:cara"}, "29:alice")
        == "Leaders of Platform: Alice Owner, Cara."
    )
    assert "from the team's roster" in await execute(
        teams, {"haven": "leaders", "leaders": "29:stranger"}, "29:alice"
    )

    with teams.session() as session:
        leaders = session.exec(select(Member).where(Member.is_leader)).all()
    assert sorted((m.platform_user_id, m.display_name) for m in leaders) == [
        ("29:alice", "Alice Owner"),
        ("29:cara", "Cara"),
    ]


async def test_status_and_help_are_open_to_everyone(teams):
    await set_up_team(teams)

    assert "Team Platform · Europe/Berlin" in await say(teams, "status", sender="29:bob")
    assert "rituals" in await say(teams, "help", sender="29:bob")
    assert "I don't know 'dance'" in await say(teams, "dance", sender="29:bob")


async def test_unknown_card_actions_are_answered_and_change_nothing(teams):
    await set_up_team(teams)

    assert await execute(teams, {"haven": "format_disk"}, "29:alice") == UNKNOWN
    response = await teams.post(payloads.card_submit(teams.url, {"haven": "nope"}, sender="29:bob"))
    assert response.status == 201
    assert UNKNOWN in teams.connector.posts("a:personal-29:bob")[-1].card_text
    bad = payloads.card_execute(teams.url, {}, sender="29:bob")
    bad["value"] = {"action": {"type": "Action.Submit"}}
    response = await teams.post(bad)
    assert response.status == 400
    with teams.session() as session:
        assert session.exec(select(Ritual)).all() == []


async def test_setup_commands_in_personal_chat_point_to_the_channel(teams):
    await install(teams)
    before = len(teams.connector.posts())

    await teams.post(payloads.personal_message(teams.url, "rituals", sender="29:alice"))

    [reply] = teams.connector.posts()[before:]
    assert "Use this in the team's channel" in reply.card_text
