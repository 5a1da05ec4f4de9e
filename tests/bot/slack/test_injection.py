"""What people and admins type reaches Slack as words, never as a ping or a disguised link."""

from typing import Any

from sqlmodel import Session, select

from bot.server import create_app
from rituals.lifecycle import close_occurrence
from rituals.relay import new_relay_key
from storage.models import AnonymousAnswer, Ritual, Team
from tests.bot.slack.conftest import CHANNEL, SlackHarness, serve, slack_settings

INJECTIONS = ("<!channel>", "<!here>", "<@U0EVIL>", "<https://evil.example|click here>")
TYPED = "Hi " + " ".join(INJECTIONS) + " & more"


def mrkdwn_texts(node: Any, *, top: bool = True) -> list[str]:
    """Return every text Slack reads as mrkdwn: top-level text, mrkdwn objects, section text."""
    found: list[str] = []
    if isinstance(node, dict):
        if top and isinstance(node.get("text"), str):
            found.append(node["text"])
        if node.get("type") == "mrkdwn" and isinstance(node.get("text"), str):
            found.append(node["text"])
        for value in node.values():
            found += mrkdwn_texts(value, top=False)
    elif isinstance(node, list):
        for value in node:
            found += mrkdwn_texts(value, top=False)
    return found


def assert_no_markup_from_people(payloads: list[Any]) -> int:
    """Fail when any injection string reaches Slack unescaped; return how many texts carried it."""
    carried = 0
    for payload in payloads:
        for text in mrkdwn_texts(payload):
            for injection in INJECTIONS:
                assert injection not in text, text
            carried += "&lt;!channel&gt;" in text
    return carried


async def test_injection_strings_through_every_ritual_and_admin_field_stay_words(
    database_url, engine, fake_slack
):
    settings = slack_settings(database_url, fake_slack, HAVEN_RELAY_KEY=new_relay_key())
    app = create_app(settings=settings, engine=engine, schedule=False)
    client = await serve(app)
    slack = SlackHarness(client=client, fake=fake_slack, app=app, engine=engine)
    responses: list[Any] = []

    async def kept(response: Any) -> Any:
        text = await response.text()
        responses.append({"text": text} if not text.startswith("{") else await response.json())
        return response

    try:
        fake_slack.add_user("U0LEA", "Lea <!here>", is_admin=True)
        await kept(
            await slack.submit(
                user="U0LEA",
                callback_id="haven_setup_view",
                private_metadata=CHANNEL,
                values={
                    "team_name": ("plain_text_input", TYPED),
                    "timezone": ("plain_text_input", "Europe/Berlin"),
                    "rituals": (
                        "checkboxes",
                        ["checkin", "failure_celebration", "anonymous_feedback"],
                    ),
                    "mode": ("radio_buttons", "shared"),
                    "leaders": ("multi_users_select", ["U0LEA"]),
                },
            )
        )
        with Session(engine) as session:
            team = session.exec(select(Team)).one()
            assert team.name == TYPED  # stored exactly as typed
            team.threshold_texts = 3
            session.add(team)
            session.commit()
            rituals = {r.kind: r.id for r in session.exec(select(Ritual))}
        for ritual_id in rituals.values():
            await kept(
                await slack.submit(
                    user="U0LEA",
                    callback_id="haven_ritual_edit_view",
                    private_metadata=str(ritual_id),
                    values={
                        "schedule": ("plain_text_input", "0 10 * * mon"),
                        "question": ("plain_text_input", TYPED),
                        "window": ("plain_text_input", ""),
                    },
                )
            )
        for text in ("status", "leaders", "rituals", "rituals run 999"):
            await kept(await slack.command(user="U0LEA", text=text))

        checkin = await slack.open(rituals["checkin"])
        await kept(
            await slack.submit(
                user="U0ANA",
                callback_id="haven_checkin_word_view",
                private_metadata=str(checkin.id),
                values={"mood": ("radio_buttons", "4"), "word": ("plain_text_input", TYPED)},
            )
        )
        failure = await slack.open(rituals["failure_celebration"])
        await kept(
            await slack.submit(
                user="U0BEN",
                callback_id="haven_failure_story_view",
                private_metadata=str(failure.id),
                values={"story": ("plain_text_input", TYPED)},
            )
        )
        feedback = await slack.open(rituals["anonymous_feedback"])
        await kept(
            await slack.action(
                user="U0BEN", action_id="haven_feedback_answer", value=str(feedback.id)
            )
        )
        for person in ("U0ANA", "U0BEN", "U0CAI"):
            await kept(
                await slack.submit(
                    user=person,
                    callback_id="haven_feedback_view",
                    private_metadata=str(feedback.id),
                    values={
                        "answer": ("plain_text_input", TYPED),
                        "replies": ("checkboxes", ["yes"]),
                    },
                )
            )
        with Session(engine, expire_on_commit=False) as session:
            await close_occurrence(
                session=session, notifiers=slack.notifiers, occurrence_id=feedback.id
            )
            key = session.exec(select(AnonymousAnswer.key)).first()
        await kept(await slack.action(user="U0LEA", action_id="haven_relay_reply", value=key))
        await kept(
            await slack.submit(
                user="U0LEA",
                callback_id="haven_relay_view",
                private_metadata=key,
                values={"reply": ("plain_text_input", TYPED)},
            )
        )
        await kept(await slack.event({"type": "app_home_opened", "user": "U0LEA", "tab": "home"}))
        await slack.settle()

        sent = [call.args for call in fake_slack.calls]
        methods = {call.method for call in fake_slack.calls}
        assert {"chat.postMessage", "chat.postEphemeral", "views.open", "views.publish"} <= methods
        carried = assert_no_markup_from_people(sent + responses + fake_slack.responses)
        assert carried >= 10  # the typed text did arrive, escaped, in many places
    finally:
        await client.close()
