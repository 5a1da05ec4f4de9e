"""The weekly digest by DM: Block Kit from the core's document, the chart inline, the commitment."""

from datetime import timedelta

from sqlmodel import Session, select

from rituals.clock import local_iso_week, utcnow
from rituals.digest import build_digest, last_complete_week
from rituals.digest_delivery import deliver_due_digests
from rituals.messages import DigestMessage
from rituals.ports import PersonAddress
from storage.models_digest import LeaderCommitment, LeaderProfile
from tests.bot.slack.conftest import make_slack_team

LEA = PersonAddress(platform="slack", workspace="T0HAVEN", user_id="U0LEA")


def digest_of(session, team, chart_png=None):  # type: ignore[no-untyped-def]
    week = last_complete_week(local_iso_week(utcnow(), team.timezone))
    document = build_digest(session=session, team_id=team.id, iso_week=week)
    return DigestMessage(
        document=document, chart_png=chart_png, chart_alt_text="Mood rose for 3 weeks"
    )


async def test_the_digest_goes_by_dm_with_the_chart_shown_inline(slack, session):
    team = make_slack_team(session)
    await slack.notifiers.for_platform("slack").send_direct(
        person=LEA, message=digest_of(session, team, b"\\x89PNG")
    )
    (complete,) = slack.fake.calls_to("files.completeUploadExternal")
    assert "channel_id" not in complete.args  # uploaded privately, then shown in the message
    file_id = complete.args["files"][0]["id"]
    (post,) = slack.fake.calls_to("chat.postMessage")
    assert post.args["channel"] == "D0LEA" and post.args["text"].startswith(
        "Weekly safety digest for Platform"
    )
    (image,) = [b for b in post.args["blocks"] if b["type"] == "image"]
    assert image["slack_file"] == {"id": file_id}
    assert (
        slack.fake.calls_to("files.getUploadURLExternal")[0].args["alt_txt"]
        == "Mood rose for 3 weeks"
    )


async def test_without_a_chart_the_digest_is_blocks_only(slack, session):
    team = make_slack_team(session)
    await slack.notifiers.for_platform("slack").send_direct(
        person=LEA, message=digest_of(session, team)
    )
    assert slack.fake.calls_to("files.getUploadURLExternal") == []
    assert not [
        b for b in slack.fake.calls_to("chat.postMessage")[0].args["blocks"] if b["type"] == "image"
    ]


async def test_when_the_image_is_not_ready_inline_it_follows_as_a_file(slack, session):
    team = make_slack_team(session)
    slack.fake.fail("chat.postMessage", "invalid_blocks")
    await slack.notifiers.for_platform("slack").send_direct(
        person=LEA, message=digest_of(session, team, b"png")
    )
    refused, posted = slack.fake.calls_to("chat.postMessage")
    assert any(b["type"] == "image" for b in refused.args["blocks"])
    assert not any(b["type"] == "image" for b in posted.args["blocks"])
    assert slack.fake.calls_to("files.completeUploadExternal")[-1].args["channel_id"] == "D0LEA"


async def test_the_core_delivers_due_digests_through_slack_once(slack, session):
    make_slack_team(session)
    later = utcnow() + timedelta(days=7)
    sent = await deliver_due_digests(session=session, notifiers=slack.notifiers, now=later)
    again = await deliver_due_digests(session=session, notifiers=slack.notifiers, now=later)
    assert len(sent) == 1 and again == []
    assert [c.args["channel"] for c in slack.fake.calls_to("chat.postMessage")] == ["D0LEA"]


async def test_a_leader_commits_to_one_thing_from_the_digest(slack, session):
    team = make_slack_team(session)
    message = digest_of(session, team)
    value = message.document.commit_value
    await slack.action(user="U0LEA", action_id="haven_digest_commit", value=value, channel="D0LEA")
    await slack.settle()
    modal = slack.fake.calls_to("views.open")[-1].args["view"]
    assert modal["private_metadata"] == value
    response = await slack.submit(
        user="U0LEA",
        callback_id="haven_digest_commit_view",
        private_metadata=value,
        values={"commitment": ("plain_text_input", "Share my own mistake first.")},
    )
    assert (await response.json())["response_action"] == "update"
    refused = await slack.submit(
        user="U0ANA",
        callback_id="haven_digest_commit_view",
        private_metadata=value,
        values={"commitment": ("plain_text_input", "Not mine to say")},
    )
    assert (await refused.json())["response_action"] == "errors"
    with Session(slack.engine) as s:
        (row,) = s.exec(select(LeaderCommitment)).all()
    assert row.text == "Share my own mistake first."


async def test_leaders_named_from_slack_get_their_digest_in_their_own_time_zone(slack, session):
    team = make_slack_team(session)
    slack.fake.add_user("U0ANA", "Ana", tz="America/New_York")
    await slack.command(user="U0BOSS", text="leaders <@U0ANA|ana>")
    with Session(slack.engine) as s:
        (profile,) = s.exec(select(LeaderProfile)).all()
    assert profile.timezone == "America/New_York"
    assert team.id
