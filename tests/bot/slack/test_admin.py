"""`/haven` from Slack: help, setup, rituals, leaders, status; admins only for changes."""

import asyncio

from sqlmodel import Session, select

from rituals.admin import add_haven_admin
from storage.models import Member, Occurrence, Ritual, Team
from tests.bot.slack.conftest import CHANNEL, make_slack_ritual, make_slack_team

REFUSAL = "Only workspace admins and owners"


def rituals(engine):  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return {r.kind: r for r in session.exec(select(Ritual))}


async def text_of(response) -> str:  # type: ignore[no-untyped-def]
    assert response.status == 200
    body = await response.text()
    return body


async def test_help_lists_the_commands(slack):
    body = await text_of(await slack.command(user="U0ANA", text="help"))
    assert "/haven setup" in body and "/haven rituals" in body and "/haven leaders" in body


async def test_a_non_admin_cannot_change_anything(slack, session):
    team = make_slack_team(session)
    ritual = make_slack_ritual(session, team, "checkin")
    for text in (
        "setup",
        "rituals add pulse",
        f"rituals pause {ritual.id}",
        f"rituals run {ritual.id}",
        f"rituals edit {ritual.id}",
        "leaders <@U0ANA|ana>",
    ):
        body = await text_of(await slack.command(user="U0ANA", text=text))
        assert REFUSAL in body, text
    await slack.settle()
    assert set(rituals(slack.engine)) == {"checkin"} and not rituals(slack.engine)["checkin"].paused
    assert slack.fake.calls_to("views.open") == [] and slack.fake.calls_to("chat.postMessage") == []
    with Session(slack.engine) as s:
        assert s.exec(select(Member).where(Member.is_leader)).one().platform_user_id == "U0LEA"
        assert s.exec(select(Occurrence)).all() == []
    forged = await slack.submit(
        user="U0ANA",
        callback_id="haven_setup_view",
        private_metadata=CHANNEL,
        values={"team_name": ("plain_text_input", "Mine")},
    )
    assert REFUSAL in str(await forged.json())
    with Session(slack.engine) as s:
        assert s.exec(select(Team)).one().name == "Platform"


async def test_anyone_may_read_the_status_and_the_ritual_list(slack, session):
    team = make_slack_team(session)
    make_slack_ritual(session, team, "checkin")
    status = await text_of(await slack.command(user="U0ANA", text="status"))
    listing = await text_of(await slack.command(user="U0ANA", text="rituals"))
    assert "Team Platform" in status and "Meeting check-in" in listing


async def test_an_admin_sets_a_channel_up_through_the_modal(slack):
    await slack.command(user="U0BOSS", text="setup")
    await slack.settle()
    (opened,) = slack.fake.calls_to("views.open")
    view = opened.args["view"]
    assert view["callback_id"] == "haven_setup_view" and view["private_metadata"] == CHANNEL
    blocks = {b["block_id"]: b for b in view["blocks"]}
    assert blocks["timezone"]["element"]["initial_value"] == "Europe/Berlin"  # from users.info
    assert blocks["team_name"]["element"]["initial_value"] == "platform-team"
    bad = await slack.submit(
        user="U0BOSS",
        callback_id="haven_setup_view",
        private_metadata=CHANNEL,
        values={
            "team_name": ("plain_text_input", "Platform"),
            "timezone": ("plain_text_input", "Mars/Base"),
            "rituals": ("checkboxes", ["checkin"]),
            "mode": ("radio_buttons", "private"),
            "leaders": ("multi_users_select", []),
        },
    )
    assert "timezone" in (await bad.json())["errors"]
    good = await slack.submit(
        user="U0BOSS",
        callback_id="haven_setup_view",
        private_metadata=CHANNEL,
        values={
            "team_name": ("plain_text_input", "Platform"),
            "timezone": ("plain_text_input", "Europe/Lisbon"),
            "rituals": ("checkboxes", ["checkin", "safety_pulse"]),
            "mode": ("radio_buttons", "private"),
            "leaders": ("multi_users_select", ["U0LEA"]),
        },
    )
    body = await good.json()
    assert body["response_action"] == "update" and "Team Platform" in str(body)
    with Session(slack.engine) as s:
        team = s.exec(select(Team)).one()
        leader = s.exec(select(Member).where(Member.is_leader)).one()
    assert (team.channel, team.timezone) == (CHANNEL, "Europe/Lisbon")
    assert (leader.platform_user_id, leader.display_name) == ("U0LEA", "Lea")
    assert set(rituals(slack.engine)) == {"checkin", "safety_pulse"}
    assert rituals(slack.engine)["checkin"].mode == "private"
    # unticking a ritual later pauses it; history stays
    await slack.submit(
        user="U0BOSS",
        callback_id="haven_setup_view",
        private_metadata=CHANNEL,
        values={
            "team_name": ("plain_text_input", "Platform"),
            "timezone": ("plain_text_input", "Europe/Lisbon"),
            "rituals": ("checkboxes", ["checkin"]),
            "mode": ("radio_buttons", "shared"),
            "leaders": ("multi_users_select", []),
        },
    )
    assert (
        rituals(slack.engine)["safety_pulse"].paused
        and rituals(slack.engine)["checkin"].mode == "shared"
    )


async def test_a_haven_admin_manages_rituals_by_command(slack, session):
    make_slack_team(session)
    add_haven_admin(session=session, platform="slack", workspace="T0HAVEN", user_id="U0DEV")
    added = await text_of(await slack.command(user="U0DEV", text="rituals add pulse 0 11 * * wed"))
    assert "Safety pulse" in added
    pulse = rituals(slack.engine)["safety_pulse"]
    assert pulse.schedule == "0 11 * * wed"
    bad = await text_of(await slack.command(user="U0DEV", text="rituals add pulse every tuesday"))
    assert "cron" in bad
    assert "paused" in await text_of(
        await slack.command(user="U0DEV", text=f"rituals pause {pulse.id}")
    )
    assert rituals(slack.engine)["safety_pulse"].paused
    await slack.command(user="U0DEV", text=f"rituals resume {pulse.id}")
    assert not rituals(slack.engine)["safety_pulse"].paused
    await slack.command(user="U0DEV", text=f"rituals edit {pulse.id}")
    await slack.settle()
    view = slack.fake.calls_to("views.open")[-1].args["view"]
    assert view["callback_id"] == "haven_ritual_edit_view" and view["private_metadata"] == str(
        pulse.id
    )
    saved = await slack.submit(
        user="U0DEV",
        callback_id="haven_ritual_edit_view",
        private_metadata=str(pulse.id),
        values={
            "schedule": ("plain_text_input", "30 9 * * thu"),
            "question": ("plain_text_input", None),
            "window": ("plain_text_input", "120"),
        },
    )
    assert (await saved.json())["response_action"] == "update"
    edited = rituals(slack.engine)["safety_pulse"]
    assert (edited.schedule, edited.window_minutes) == ("30 9 * * thu", 120)
    other = make_slack_ritual(
        session, make_slack_team(session, channel="C0ELSE", name="Else"), "checkin"
    )
    assert "no ritual" in (
        await text_of(await slack.command(user="U0DEV", text=f"rituals pause {other.id}"))
    )


async def test_run_now_opens_the_ritual_in_the_channel(slack, session):
    team = make_slack_team(session)
    ritual = make_slack_ritual(session, team, "checkin")
    response = await slack.command(user="U0BOSS", text=f"rituals run {ritual.id}")
    assert "Opening" in await response.text()
    await slack.settle()
    assert slack.fake.calls_to("chat.postMessage")[0].args["channel"] == CHANNEL
    assert "Opened ritual" in slack.fake.responses[-1]["text"]


async def test_leaders_are_listed_and_set_by_mention(slack, session):
    make_slack_team(session)
    assert "<@U0LEA>" in await text_of(await slack.command(user="U0ANA", text="leaders"))
    body = await text_of(await slack.command(user="U0BOSS", text="leaders <@U0ANA|ana> <@U0BEN>"))
    assert "<@U0ANA>" in body and "<@U0BEN>" in body and "<@U0LEA>" not in body


async def test_commands_in_an_unbound_channel_say_how_to_set_it_up(slack):
    assert "/haven setup" in await text_of(
        await slack.command(user="U0ANA", text="status", channel="C0NEW")
    )


async def soon(condition, seconds: float = 10.0) -> bool:  # type: ignore[no-untyped-def]
    """Return whether condition() turns true within a few seconds (polled on the loop)."""
    for _ in range(int(seconds / 0.05)):
        if condition():
            return True
        await asyncio.sleep(0.05)
    return bool(condition())


async def test_a_ritual_added_from_slack_is_scheduled_at_once(database_url, engine, fake_slack):
    from bot.server import STATE, create_app
    from rituals.scheduler import ritual_job_id
    from tests.bot.slack.conftest import SlackHarness, serve, slack_settings

    app = create_app(settings=slack_settings(database_url, fake_slack), engine=engine)
    client = await serve(app)
    slack = SlackHarness(client=client, fake=fake_slack, app=app, engine=engine)
    try:
        with Session(engine, expire_on_commit=False) as session:
            make_slack_team(session)
        await slack.command(user="U0BOSS", text="rituals add checkin 55 9 * * mon")
        ritual = rituals(engine)["checkin"]
        scheduler = app[STATE].scheduler
        job_id = ritual_job_id(ritual.id)
        assert await soon(lambda: scheduler.get_job(job_id) is not None)  # synced off the loop
        await slack.command(user="U0BOSS", text=f"rituals pause {ritual.id}")
        assert await soon(lambda: scheduler.get_job(job_id) is None)
    finally:
        await slack.settle()
        await client.close()
