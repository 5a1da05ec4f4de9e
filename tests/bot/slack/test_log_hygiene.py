"""A full run of every ritual in Slack, logged at DEBUG: no body, no anonymous text, no secret."""

from sqlmodel import Session, select

from bot.server import create_app
from bot.slack import ids
from rituals.lifecycle import close_occurrence
from rituals.pulse_items import EDMONDSON_ITEMS
from rituals.relay import new_relay_key
from storage.models import AnonymousAnswer
from tests.bot.slack.conftest import (
    CHANNEL,
    SECRET,
    SlackHarness,
    make_slack_ritual,
    make_slack_team,
    serve,
    slack_settings,
)
from tests.log_hygiene import BODY, assert_clean, log_everything

RELAY_KEY = new_relay_key()
SECRETS = ["xoxb-test-token", SECRET, RELAY_KEY]


async def close(slack: SlackHarness, occurrence_id: int) -> None:
    with Session(slack.engine, expire_on_commit=False) as session:
        await close_occurrence(
            session=session, notifiers=slack.notifiers, occurrence_id=occurrence_id
        )
    await slack.settle()


async def test_every_ritual_leaves_no_body_secret_or_anonymous_author_in_the_log(
    database_url, engine, fake_slack, caplog
):
    log_everything(caplog)
    settings = slack_settings(database_url, fake_slack, HAVEN_RELAY_KEY=RELAY_KEY)
    app = create_app(settings=settings, engine=engine, schedule=False)
    slack = SlackHarness(client=await serve(app), fake=fake_slack, app=app, engine=engine)
    try:
        with Session(engine, expire_on_commit=False) as session:
            team = make_slack_team(session, threshold_texts=3)
            checkin = make_slack_ritual(session, team, "checkin", mode="shared")
            failure = make_slack_ritual(session, team, "failure_celebration")
            feedback = make_slack_ritual(session, team, "anonymous_feedback")
            pulse = make_slack_ritual(session, team, "safety_pulse")

        # Named rituals: bodies and secrets must stay out of the log.
        round_ = await slack.open(checkin.id)
        await slack.action(user="U0ANA", action_id="haven_checkin_mood_4", value=f"{round_.id}:4")
        await slack.submit(
            user="U0CAI",
            callback_id=ids.CHECKIN_WORD_VIEW,
            private_metadata=str(round_.id),
            values={
                "mood": ("radio_buttons", "3"),
                "word": ("plain_text_input", f"{BODY} curious"),
            },
        )
        await slack.settle()
        await close(slack, round_.id)
        thread = await slack.open(failure.id)
        await slack.event(
            {
                "type": "message",
                "channel": CHANNEL,
                "user": "U0BEN",
                "text": f"{BODY} I shipped a bug and learned to test",
                "ts": "1767000200.000100",
                "thread_ts": thread.message_ref,
                "event_ts": "1767000200.000100",
                "channel_type": "channel",
            }
        )
        await slack.settle()
        asked = await slack.open(pulse.id)
        item = int(asked.pulse_items.split(",")[0])
        assert item in EDMONDSON_ITEMS
        await slack.action(
            user="U0ANA",
            action_id="haven_pulse_score_6",
            value=f"{asked.id}:{item}:6",
            channel="D0ANA",
        )
        await slack.settle()
        await close(slack, asked.id)
        assert_clean(caplog.records, secrets=SECRETS)

        # Anonymous actions: nor may the id of whoever acted appear next to them.
        caplog.clear()
        await slack.submit(
            user="U0CAI",
            callback_id=ids.FAILURE_STORY_VIEW,
            private_metadata=str(thread.id),
            values={"story": ("plain_text_input", f"{BODY} anonymous story")},
        )
        question = await slack.open(feedback.id)
        for user in ("U0ANA", "U0BEN", "U0CAI"):
            values = {"answer": ("plain_text_input", f"{BODY} anonymous {user[-1]}")}
            if user == "U0BEN":
                values["replies"] = ("checkboxes", ["yes"])
            await slack.submit(
                user=user,
                callback_id=ids.FEEDBACK_VIEW,
                private_metadata=str(question.id),
                values=values,
            )
        await slack.settle()
        assert_clean(
            caplog.records,
            secrets=SECRETS,
            anonymous_actors=["U0ANA", "U0BEN", "U0CAI", "ANA", "BEN", "CAI"],
        )
        await close(slack, thread.id)
        await close(slack, question.id)
        with Session(engine) as session:
            sealed = next(a for a in session.exec(select(AnonymousAnswer)) if a.reply_seal)
        caplog.clear()
        await slack.submit(
            user="U0LEA",
            callback_id=ids.RELAY_VIEW,
            private_metadata=sealed.key,
            values={"reply": ("plain_text_input", f"{BODY} thanks, let's talk")},
        )
        await slack.settle()
        assert any(BODY in str(c.args) for c in slack.fake.calls_to("chat.postMessage")[-1:])
        assert_clean(caplog.records, secrets=SECRETS, anonymous_actors=["U0BEN", "D0BEN"])

        # The person's own data, exported and erased, stays out of the log too.
        caplog.clear()
        await slack.action(user="U0CAI", action_id=ids.PRIVACY_EXPORT, value="export")
        await slack.settle()
        await slack.submit(
            user="U0CAI", callback_id=ids.PRIVACY_ERASE_VIEW, private_metadata="", values={}
        )
        await slack.settle()
        assert slack.fake.uploads
        assert_clean(caplog.records, secrets=SECRETS)
    finally:
        await slack.settle()
        await slack.client.close()
