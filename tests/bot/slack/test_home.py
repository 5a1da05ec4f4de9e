"""The App Home tab: what Haven keeps about you, the latest digest for leaders, rituals for admins."""

from sqlmodel import Session

from rituals.clock import local_iso_week, utcnow
from rituals.digest import last_complete_week
from storage.models import Ritual
from tests.bot.slack.conftest import make_slack_ritual, make_slack_team


def home_opened(user: str) -> dict:  # type: ignore[type-arg]
    return {
        "type": "app_home_opened",
        "user": user,
        "channel": "D0HOME",
        "tab": "home",
        "event_ts": "1767000400.000100",
    }


async def published_for(slack, user):  # type: ignore[no-untyped-def]
    await slack.event(home_opened(user))
    await slack.settle()
    call = slack.fake.calls_to("views.publish")[-1]
    assert call.args["user_id"] == user
    return call.args["view"]


async def test_every_member_sees_what_haven_keeps_and_how_anonymity_works(slack, session):
    team = make_slack_team(session)
    ritual = make_slack_ritual(session, team, "checkin")
    occurrence = await slack.open(ritual.id)
    await slack.action(user="U0ANA", action_id="haven_checkin_mood_4", value=f"{occurrence.id}:4")
    await slack.settle()
    view = await published_for(slack, "U0ANA")
    text = str(view["blocks"])
    assert view["type"] == "home"
    assert "What Haven keeps about you" in text and "How anonymity works" in text
    assert "1 check-in answers" in text and "Europe/Berlin" in text
    assert "haven_home_pause" not in text and "Latest digest" not in text


async def test_admins_see_rituals_with_edit_and_pause_and_can_pause_from_home(slack, session):
    team = make_slack_team(session)
    ritual = make_slack_ritual(session, team, "safety_pulse")
    view = await published_for(slack, "U0BOSS")
    buttons = [e for b in view["blocks"] if b["type"] == "actions" for e in b["elements"]]
    ritual_buttons = [b for b in buttons if b["action_id"].startswith("haven_home_")]
    assert {(b["action_id"], b["value"]) for b in ritual_buttons} == {
        ("haven_home_edit", str(ritual.id)),
        ("haven_home_pause", str(ritual.id)),
    }
    await slack.home_action(user="U0BOSS", action_id="haven_home_pause", value=str(ritual.id))
    await slack.settle()
    with Session(slack.engine) as s:
        assert s.get(Ritual, ritual.id).paused
    republished = slack.fake.calls_to("views.publish")[-1].args["view"]
    assert "haven_home_resume" in str(republished)
    await slack.home_action(user="U0BOSS", action_id="haven_home_edit", value=str(ritual.id))
    await slack.settle()
    assert (
        slack.fake.calls_to("views.open")[-1].args["view"]["callback_id"]
        == "haven_ritual_edit_view"
    )


async def test_a_non_admin_clicking_pause_is_refused_and_nothing_changes(slack, session):
    ritual = make_slack_ritual(session, make_slack_team(session), "safety_pulse")
    await slack.home_action(user="U0ANA", action_id="haven_home_pause", value=str(ritual.id))
    await slack.settle()
    with Session(slack.engine) as s:
        assert not s.get(Ritual, ritual.id).paused
    assert "Only workspace admins" in str(slack.fake.calls_to("views.open")[-1].args["view"])


async def test_leaders_see_the_latest_digest(slack, session):
    team = make_slack_team(session)
    week = last_complete_week(local_iso_week(utcnow(), team.timezone))
    view = await published_for(slack, "U0LEA")
    text = str(view["blocks"])
    assert f"Weekly safety digest — Platform · {week}" in text
    assert "Not shown, to protect individual answers" in text  # an empty week withholds all
    assert "haven_digest_commit" in text
    assert "Weekly safety digest" not in str((await published_for(slack, "U0ANA"))["blocks"])


async def test_the_home_of_an_admin_leading_41_teams_fits_and_still_says_what_haven_keeps(
    slack, session
):
    for n in range(41):
        team = make_slack_team(session, channel=f"C0T{n:03d}", name=f"Team {n:02d}")
        make_slack_ritual(session, team, "checkin")
        make_slack_ritual(session, team, "safety_pulse")
    slack.fake.add_user("U0LEA", "Lea", is_admin=True)  # a workspace admin who leads every team
    view = await published_for(slack, "U0LEA")
    assert "haven_home_pause" in str(view["blocks"])
    assert len(view["blocks"]) <= 100
    assert "What Haven keeps about you" in str(view["blocks"][-15:])
    assert "haven_privacy_erase" in str(view["blocks"][-1])  # your data, always last
