"""Check-in in Slack: the prompt's blocks, clicks recorded once per member, shared and private modes."""

import time

from sqlmodel import Session, select

from storage.models import Answer, Member
from tests.bot.slack.conftest import CHANNEL, make_slack_ritual, make_slack_team


def answers(engine, occurrence_id):  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        rows = session.exec(
            select(Answer, Member).join(Member).where(Answer.occurrence_id == occurrence_id)
        )
        return {member.platform_user_id: (answer.mood, answer.text) for answer, member in rows}


async def test_checkin_prompt_has_five_mood_buttons_and_a_word_button(slack, session):
    ritual = make_slack_ritual(
        session, make_slack_team(session), "checkin", question="How are you?"
    )
    occurrence = await slack.open(ritual.id)
    (post,) = slack.fake.calls_to("chat.postMessage")
    assert post.args["channel"] == CHANNEL
    assert post.token == "xoxb-test-token"
    buttons = [e for b in post.args["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert [b["action_id"] for b in buttons] == [
        *(f"haven_checkin_mood_{n}" for n in range(1, 6)),
        "haven_checkin_word",
    ]
    assert [b["value"] for b in buttons[:5]] == [f"{occurrence.id}:{n}" for n in range(1, 6)]
    assert occurrence.message_ref.startswith("1767000000.")  # the ts Slack answered
    assert occurrence.invited_count == 5  # the bot is not a member


async def test_a_click_records_the_mood_and_a_second_click_changes_it(slack, session):
    ritual = make_slack_ritual(session, make_slack_team(session), "checkin", mode="private")
    occurrence = await slack.open(ritual.id)
    response = await slack.action(
        user="U0ANA", action_id="haven_checkin_mood_4", value=f"{occurrence.id}:4"
    )
    assert response.status == 200
    await slack.settle()
    assert answers(slack.engine, occurrence.id) == {"U0ANA": (4, None)}
    await slack.action(user="U0ANA", action_id="haven_checkin_mood_2", value=f"{occurrence.id}:2")
    await slack.settle()
    assert answers(slack.engine, occurrence.id) == {"U0ANA": (2, None)}
    ephemerals = slack.fake.calls_to("chat.postEphemeral")
    assert [(e.args["channel"], e.args["user"]) for e in ephemerals] == [(CHANNEL, "U0ANA")] * 2
    assert "checked in with 4" in ephemerals[0].args["text"]
    assert "changed your check-in to 2" in ephemerals[1].args["text"]
    # private mode: nothing about Ana went to the channel, only the prompt
    assert len(slack.fake.calls_to("chat.postMessage")) == 1
    assert slack.fake.calls_to("chat.update") == []


async def test_shared_mode_posts_the_answer_in_the_thread_and_updates_it(slack, session):
    ritual = make_slack_ritual(session, make_slack_team(session), "checkin", mode="shared")
    occurrence = await slack.open(ritual.id)
    await slack.action(user="U0BEN", action_id="haven_checkin_mood_5", value=f"{occurrence.id}:5")
    await slack.settle()
    _prompt, reply = slack.fake.calls_to("chat.postMessage")
    assert reply.args["thread_ts"] == occurrence.message_ref
    assert "Ben" in reply.args["blocks"][0]["text"]["text"]
    await slack.action(user="U0BEN", action_id="haven_checkin_mood_3", value=f"{occurrence.id}:3")
    await slack.settle()
    (update,) = slack.fake.calls_to("chat.update")
    assert "3/5" in update.args["blocks"][0]["text"]["text"]


async def test_add_a_word_opens_a_modal_whose_submission_records_mood_and_word(slack, session):
    ritual = make_slack_ritual(session, make_slack_team(session), "checkin", mode="private")
    occurrence = await slack.open(ritual.id)
    await slack.action(user="U0CAI", action_id="haven_checkin_word", value=str(occurrence.id))
    await slack.settle()
    (opened,) = slack.fake.calls_to("views.open")
    view = opened.args["view"]
    assert view["callback_id"] == "haven_checkin_word_view"
    assert view["private_metadata"] == str(occurrence.id)
    response = await slack.submit(
        user="U0CAI",
        callback_id="haven_checkin_word_view",
        private_metadata=str(occurrence.id),
        values={"mood": ("radio_buttons", "3"), "word": ("plain_text_input", "curious")},
    )
    assert response.status == 200
    await slack.settle()
    assert answers(slack.engine, occurrence.id) == {"U0CAI": (3, "curious")}
    assert "curious" in slack.fake.calls_to("chat.postEphemeral")[-1].args["text"]


async def test_the_round_summary_replaces_the_prompt_at_close(slack, session):
    from rituals.lifecycle import close_occurrence

    ritual = make_slack_ritual(session, make_slack_team(session), "checkin", mode="private")
    occurrence = await slack.open(ritual.id)
    for user, mood in (("U0ANA", 4), ("U0BEN", 5), ("U0CAI", 4)):
        await slack.action(
            user=user, action_id=f"haven_checkin_mood_{mood}", value=f"{occurrence.id}:{mood}"
        )
    await slack.settle()
    with Session(slack.engine, expire_on_commit=False) as s:
        await close_occurrence(session=s, notifiers=slack.notifiers, occurrence_id=occurrence.id)
    (update,) = slack.fake.calls_to("chat.update")
    assert update.args["ts"] == occurrence.message_ref and update.args["channel"] == CHANNEL
    text = " ".join(b["text"]["text"] for b in update.args["blocks"])
    assert "3 of 5 checked in" in text and "Team weather" in text
    assert not any(b["type"] == "actions" for b in update.args["blocks"])
    assert "Ana" not in text and "Ben" not in text


async def test_a_click_on_a_closed_round_is_refused_privately(slack, session):
    from rituals.lifecycle import close_occurrence

    ritual = make_slack_ritual(session, make_slack_team(session), "checkin")
    occurrence = await slack.open(ritual.id)
    with Session(slack.engine, expire_on_commit=False) as s:
        await close_occurrence(session=s, notifiers=slack.notifiers, occurrence_id=occurrence.id)
    await slack.action(user="U0ANA", action_id="haven_checkin_mood_4", value=f"{occurrence.id}:4")
    await slack.settle()
    assert answers(slack.engine, occurrence.id) == {}
    assert "closed" in slack.fake.calls_to("chat.postEphemeral")[-1].args["text"]


async def test_a_newcomers_click_is_stored_before_its_ack_and_named_after_it(slack, session):
    from bot.slack.mount import SLACK

    ritual = make_slack_ritual(session, make_slack_team(session), "checkin", mode="private")
    occurrence = await slack.open(ritual.id)
    slack.fake.rate_limit("users.info", times=1, retry_after=2)  # Slack is slow to say who Cai is
    started = time.monotonic()
    response = await slack.action(
        user="U0CAI", action_id="haven_checkin_mood_3", value=f"{occurrence.id}:3"
    )
    assert response.status == 200
    assert time.monotonic() - started < 1.5  # the look-up did not stand in the way
    assert answers(slack.engine, occurrence.id) == {"U0CAI": (3, None)}  # stored at the ack
    await slack.app[SLACK].runtime.checkins.settled()
    with Session(slack.engine) as s:
        cai = s.exec(select(Member).where(Member.platform_user_id == "U0CAI")).one()
    assert cai.display_name == "Cai"


async def test_a_word_the_database_refuses_is_refused_in_the_modal_and_stored_words_stay(
    slack, session
):
    ritual = make_slack_ritual(session, make_slack_team(session), "checkin", mode="private")
    occurrence = await slack.open(ritual.id)

    async def submit(user: str, word: str):  # type: ignore[no-untyped-def]
        return await slack.submit(
            user=user,
            callback_id="haven_checkin_word_view",
            private_metadata=str(occurrence.id),
            values={"mood": ("radio_buttons", "4"), "word": ("plain_text_input", word)},
        )

    assert (await submit("U0ANA", "steady")).status == 200
    refused = await submit("U0BEN", "broken \ud800")
    assert refused.status == 200
    assert await refused.json() == {
        "response_action": "errors",
        "errors": {
            "word": "Your check-in was not stored: the text contains a broken character "
            "(a lone surrogate). Please type it again."
        },
    }
    await slack.settle()
    assert answers(slack.engine, occurrence.id) == {"U0ANA": (4, "steady")}
