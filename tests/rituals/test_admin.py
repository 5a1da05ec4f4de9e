"""Admin actions from chat validate their input and never lose history."""

import pytest

from rituals import admin
from rituals.errors import InvalidAnswer, NotFound


def test_binding_a_channel_creates_then_updates_one_team(session):
    team = admin.bind_team(
        session=session,
        platform="slack",
        workspace="T1",
        channel="C1",
        name="Platform",
        timezone="Europe/Berlin",
    )
    again = admin.bind_team(
        session=session,
        platform="slack",
        workspace="T1",
        channel="C1",
        name="Platform Team",
        timezone="UTC",
    )
    assert team.id == again.id and again.name == "Platform Team" and again.timezone == "UTC"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"timezone": "Mars/Olympus"}, "not an IANA time zone"),
        ({"threshold": 2}, "at least 3"),
        ({"working_days": ("mon", "funday")}, "Working days"),
        ({"name": " "}, "needs a name"),
    ],
)
def test_bad_team_settings_are_refused(session, options, message):
    arguments = {
        "session": session,
        "platform": "slack",
        "workspace": "T1",
        "channel": "C1",
        "name": "P",
    } | options
    with pytest.raises(InvalidAnswer, match=message):
        admin.bind_team(**arguments)


def test_two_channels_cannot_share_a_team_name(session):
    admin.bind_team(
        session=session, platform="slack", workspace="T1", channel="C1", name="Platform"
    )
    with pytest.raises(InvalidAnswer, match="already uses the team name"):
        admin.bind_team(
            session=session, platform="slack", workspace="T1", channel="C2", name="platform "
        )


def test_rituals_are_added_edited_paused_and_resumed(session):
    team = admin.bind_team(
        session=session,
        platform="slack",
        workspace="T1",
        channel="C1",
        name="P",
        timezone="Europe/Berlin",
    )
    first = admin.add_ritual(session=session, team=team, kind="checkin")
    second = admin.add_ritual(
        session=session, team=team, kind="checkin", schedule="0 14 * * thu", mode="private"
    )
    assert (first.name, first.schedule, second.name) == ("checkin", "55 9 * * mon", "checkin-2")
    edited = admin.edit_ritual(
        session=session,
        team=team,
        ritual_id=second.id,
        change=admin.RitualChange(schedule="0 15 * * thu", mode="shared"),
    )
    assert (edited.schedule, edited.mode) == ("0 15 * * thu", "shared")
    assert admin.set_paused(session=session, team=team, ritual_id=first.id, paused=True).paused
    assert not admin.set_paused(session=session, team=team, ritual_id=first.id, paused=False).paused


def test_bad_ritual_changes_are_refused(session):
    team = admin.bind_team(
        session=session, platform="slack", workspace="T1", channel="C1", name="P"
    )
    other = admin.bind_team(
        session=session, platform="slack", workspace="T1", channel="C2", name="Q"
    )
    pulse = admin.add_ritual(session=session, team=team, kind="safety_pulse")
    with pytest.raises(InvalidAnswer, match="not a ritual"):
        admin.add_ritual(session=session, team=team, kind="karaoke")
    with pytest.raises(InvalidAnswer, match="cron"):
        admin.add_ritual(session=session, team=team, kind="checkin", schedule="61 9 * * mon")
    with pytest.raises(InvalidAnswer, match="Only a check-in has a mode"):
        admin.edit_ritual(
            session=session,
            team=team,
            ritual_id=pulse.id,
            change=admin.RitualChange(mode="private"),
        )
    with pytest.raises(NotFound):
        admin.set_paused(session=session, team=other, ritual_id=pulse.id, paused=True)


def test_leaders_and_admins(session):
    team = admin.bind_team(
        session=session, platform="slack", workspace="T1", channel="C1", name="P"
    )
    admin.set_leaders(session=session, team=team, user_ids=["U1", "U2"])
    admin.set_leaders(session=session, team=team, user_ids=["U2"])
    assert "Leaders: U2" in admin.status_lines(session=session, team=team)
    assert not admin.is_haven_admin(session=session, platform="slack", workspace="T1", user_id="U9")
    admin.add_haven_admin(session=session, platform="slack", workspace="T1", user_id="U9")
    admin.add_haven_admin(session=session, platform="slack", workspace="T1", user_id="U9")
    assert admin.is_haven_admin(session=session, platform="slack", workspace="T1", user_id="U9")
    assert not admin.is_haven_admin(session=session, platform="slack", workspace="T2", user_id="U9")
