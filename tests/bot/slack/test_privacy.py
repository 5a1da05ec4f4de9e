"""`/haven privacy` in Slack: a copy of your data as a JSON file in a DM, and erasure after a modal."""

import json

import pytest
from sqlmodel import Session

from bot.server import create_app
from bot.slack import ids
from rituals.privacy.retention import retention_of
from tests.bot.slack.conftest import SlackHarness, make_slack_team, serve, slack_settings
from tests.privacy_scene import RELAY_KEY, SUBJECT, build_scene, figures, rows_mentioning


@pytest.fixture
async def private(database_url, engine, fake_slack):  # type: ignore[no-untyped-def]
    settings = slack_settings(database_url, fake_slack, HAVEN_RELAY_KEY=RELAY_KEY)
    fake_slack.add_user(SUBJECT, "Sam Subject")
    app = create_app(settings=settings, engine=engine, schedule=False)
    client = await serve(app)
    harness = SlackHarness(client=client, fake=fake_slack, app=app, engine=engine)
    with Session(engine, expire_on_commit=False) as session:
        build_scene(session)
    yield harness
    await harness.settle()
    await client.close()


@pytest.mark.parametrize("text", ["privacy", "export my data", "erase me", "forget me"])
async def test_privacy_phrases_answer_with_the_two_actions(private, text):
    response = await private.command(user=SUBJECT, text=text)
    assert response.status == 200
    body = await response.json()
    buttons = [
        e["action_id"] for b in body["blocks"] if b["type"] == "actions" for e in b["elements"]
    ]
    assert buttons == [ids.PRIVACY_EXPORT, ids.PRIVACY_ERASE]
    assert "365 days" in json.dumps(body)
    assert body.get("response_type", "ephemeral") == "ephemeral"


async def test_send_me_my_data_uploads_a_json_file_in_a_dm(private):
    await private.action(user=SUBJECT, action_id=ids.PRIVACY_EXPORT, value="export")
    await private.settle()
    (complete,) = private.fake.calls_to("files.completeUploadExternal")
    assert complete.args["channel_id"] == "DFORGETME"
    (upload,) = private.fake.uploads.values()
    document = json.loads(upload)
    assert document["user_id"] == SUBJECT
    assert len(document["named_answers"]) == 8
    assert private.fake.calls_to("chat.postEphemeral") == []


async def test_erase_me_asks_first_then_erases_everything_but_figures(private, engine):
    with Session(engine) as session:
        before = figures(session)
    await private.action(user=SUBJECT, action_id=ids.PRIVACY_ERASE, value="erase")
    await private.settle()
    confirm = private.fake.calls_to("views.open")[-1].args["view"]
    assert confirm["callback_id"] == ids.PRIVACY_ERASE_VIEW
    assert "8  named answers" in json.dumps(confirm)
    assert rows_mentioning(engine, SUBJECT)  # nothing erased before the confirmation

    response = await private.submit(
        user=SUBJECT, callback_id=ids.PRIVACY_ERASE_VIEW, private_metadata="", values={}
    )
    body = await response.json()
    assert body["response_action"] == "update"
    assert "Removed for UFORGETME" in json.dumps(body["view"])
    assert rows_mentioning(engine, SUBJECT) == []
    with Session(engine) as session:
        assert figures(session) == before

    await private.action(user=SUBJECT, action_id=ids.PRIVACY_ERASE, value="erase")
    await private.settle()
    again = private.fake.calls_to("views.open")[-1].args["view"]
    assert "Haven holds nothing about you." in json.dumps(again)


async def test_the_home_tab_says_what_is_kept_and_links_both_actions(private, engine):
    await private.event({"type": "app_home_opened", "user": SUBJECT, "tab": "home"})
    await private.settle()
    view = json.dumps(private.fake.calls_to("views.publish")[-1].args["view"])
    assert ids.PRIVACY_EXPORT in view and ids.PRIVACY_ERASE in view
    assert "365 days" in view and "30 days after the question closes" in view


async def test_admins_set_retention_and_others_cannot(private, engine):
    with Session(engine, expire_on_commit=False) as session:
        team = make_slack_team(session, name="Slack team")
    shown = await private.command(user="U0ANA", text="retention")
    assert "kept 365 days" in await shown.text()
    refused = await private.command(user="U0ANA", text="retention 90")
    assert "365" not in await refused.text()
    changed = await private.command(user="U0BOSS", text="retention 90")
    assert "now kept 90 days" in await changed.text()
    too_short = await private.command(user="U0BOSS", text="retention 3")
    assert "between 30 and 3650" in await too_short.text()
    with Session(engine) as session:
        assert retention_of(session=session, team_id=team.id) == 90
