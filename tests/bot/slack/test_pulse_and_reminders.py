"""Safety pulse by DM, reminders only to who has not answered, away members not prompted."""

import time

from sqlmodel import Session, select

from bot.slack.listeners import pulse as pulse_listener
from rituals.lifecycle import send_reminders
from storage.models import Answer
from tests.bot.slack.conftest import PEOPLE, make_slack_ritual, make_slack_team


async def test_the_pulse_dm_has_each_item_with_a_seven_point_scale_and_clicks_record(
    slack, session
):
    ritual = make_slack_ritual(session, make_slack_team(session), "safety_pulse")
    occurrence = await slack.open(ritual.id)
    dm = next(c for c in slack.fake.calls_to("chat.postMessage") if c.args["channel"] == "D0ANA")
    scales = [b for b in dm.args["blocks"] if b["type"] == "actions"]
    items = [int(n) for n in occurrence.pulse_items.split(",")]
    assert len(scales) == len(items)
    assert [e["value"] for e in scales[0]["elements"]] == [
        f"{occurrence.id}:{items[0]}:{s}" for s in range(1, 8)
    ]
    await slack.action(
        user="U0ANA",
        action_id="haven_pulse_score_6",
        value=f"{occurrence.id}:{items[0]}:6",
        channel="D0ANA",
    )
    await slack.settle()
    with Session(slack.engine) as s:
        (row,) = s.exec(select(Answer)).all()
    assert (row.item, row.score) == (items[0], 6)
    tell = slack.fake.calls_to("chat.postEphemeral")[-1]
    assert tell.args["channel"] == "D0ANA" and "6 · Agree" in tell.args["text"]


async def test_a_pulse_click_is_stored_before_it_is_acknowledged(slack, session, monkeypatch):
    ritual = make_slack_ritual(session, make_slack_team(session), "safety_pulse")
    occurrence = await slack.open(ritual.id)
    item = int(occurrence.pulse_items.split(",")[0])
    record = pulse_listener.record_score

    def slow_record(**arguments):  # type: ignore[no-untyped-def]
        time.sleep(0.3)  # a slow commit, in the worker thread
        return record(**arguments)

    monkeypatch.setattr(pulse_listener, "record_score", slow_record)
    response = await slack.action(
        user="U0BEN",
        action_id="haven_pulse_score_3",
        value=f"{occurrence.id}:{item}:3",
        channel="D0BEN",
    )
    assert response.status == 200
    with Session(slack.engine) as s:  # no settle(): the acknowledgement itself vouches
        assert [(a.item, a.score) for a in s.exec(select(Answer))] == [(item, 3)]


async def test_reminders_go_only_to_those_who_have_not_answered_and_name_nobody(slack, session):
    ritual = make_slack_ritual(session, make_slack_team(session), "checkin", mode="private")
    occurrence = await slack.open(ritual.id)
    for user in ("U0ANA", "U0BEN"):
        await slack.action(user=user, action_id="haven_checkin_mood_4", value=f"{occurrence.id}:4")
    await slack.settle()
    before = len(slack.fake.calls_to("chat.postMessage"))
    with Session(slack.engine, expire_on_commit=False) as s:
        nudged = await send_reminders(
            session=s, notifiers=slack.notifiers, occurrence_id=occurrence.id
        )
    reminders = slack.fake.calls_to("chat.postMessage")[before:]
    assert nudged == 3
    assert {r.args["channel"] for r in reminders} == {"D0CAI", "D0DEV", "D0LEA"}
    for reminder in reminders:
        assert not any(name in str(reminder.args) for name in PEOPLE.values())


async def test_members_on_vacation_or_out_of_office_are_not_prompted(slack, session):
    slack.fake.add_user(
        "U0BEN", "Ben", profile={"status_emoji": ":palm_tree:", "status_text": "Vacationing"}
    )
    slack.fake.add_user(
        "U0CAI", "Cai", profile={"status_emoji": ":calendar:", "status_text": "Out of office"}
    )
    ritual = make_slack_ritual(session, make_slack_team(session), "safety_pulse")
    occurrence = await slack.open(ritual.id)
    dms = {c.args["channel"] for c in slack.fake.calls_to("chat.postMessage")}
    assert dms == {"D0ANA", "D0DEV", "D0LEA"}
    assert occurrence.invited_count == 3


async def test_an_expired_away_status_no_longer_counts(slack, session):
    slack.fake.add_user(
        "U0BEN", "Ben", profile={"status_emoji": ":palm_tree:", "status_expiration": 1000}
    )
    ritual = make_slack_ritual(session, make_slack_team(session), "safety_pulse")
    occurrence = await slack.open(ritual.id)
    assert occurrence.invited_count == 5


async def test_names_and_time_zones_come_from_users_info_cached(slack, session):
    from storage.models_slack import SlackUser

    team = make_slack_team(session)
    checkin = make_slack_ritual(session, team, "checkin")
    pulse = make_slack_ritual(session, team, "safety_pulse")
    await slack.open(checkin.id, minutes_ago=5)
    await slack.open(pulse.id)
    asked = [c.args["user"] for c in slack.fake.calls_to("users.info")]
    assert sorted(asked) == sorted([*PEOPLE, "UHAVENBOT"])  # once each, though two rounds opened
    with Session(slack.engine) as s:
        ana = s.get(SlackUser, ("T0HAVEN", "U0ANA"))
    assert (ana.display_name, ana.timezone) == ("Ana", "Europe/Berlin")
