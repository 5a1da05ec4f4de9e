"""Failure celebration in Teams: replies in the thread counted and scored, anonymous stories posted."""

from sqlmodel import select

from storage.models import AnonymousAnswer, Occurrence, Story
from tests.bot.teams import payloads
from tests.bot.teams.conftest import set_up_team
from tests.bot.teams.rounds import close_round, open_round


async def test_thread_replies_are_stories_reactions_count_and_anonymous_stories_are_posted(teams):
    await set_up_team(teams)
    occurrence = await open_round(teams, "failure_celebration")
    with teams.session() as session:
        root = session.get(Occurrence, occurrence.id).message_ref
    opener = teams.connector.posts(payloads.CHANNEL)[-1]
    assert "Failure celebration" in opener.card_text
    assert opener.card["actions"][0]["type"] == "Action.ShowCard"

    reply = payloads.channel_message(
        teams.url,
        "I broke the build badly, but I learned a great lesson about rehearsing.",
        sender="29:bob",
        thread=root,
        mention=False,
    )
    assert (await teams.post(reply)).status == 201
    assert (await teams.post(reply)).status == 201  # a replayed message is not a second story
    like = payloads.reaction(teams.url, message_id=reply["id"], thread=root)
    assert (await teams.post(like)).status == 201

    data = {
        "haven": "anonymous_story",
        "occurrence_id": occurrence.id,
        "story": "I ignored a review comment.",
    }
    response = await teams.post(payloads.card_execute(teams.url, data, sender="29:cara"))
    assert "no name attached" in (await response.json())["value"]

    in_thread = teams.connector.posts(f"{payloads.CHANNEL};messageid={root}")
    assert len(in_thread) == 1 and "I ignored a review comment." in in_thread[0].card_text
    assert "Cara" not in in_thread[0].card_text
    with teams.session() as session:
        stories = session.exec(select(Story)).all()
        assert [(s.text[:11], s.reactions, s.sentiment is not None) for s in stories] == [
            ("I broke the", 1, True)
        ]
        anonymous = session.exec(select(AnonymousAnswer)).all()
        assert [(a.kind, a.text) for a in anonymous] == [("story", "I ignored a review comment.")]

    await close_round(teams, occurrence)
    summary = teams.connector.sent("PUT")[-1].card_text
    assert "2 stories shared (1 anonymously), 1 reaction" in summary


async def test_channel_chatter_outside_a_failure_thread_is_ignored(teams):
    await set_up_team(teams)
    posts = len(teams.connector.posts())

    response = await teams.post(
        payloads.channel_message(teams.url, "lunch?", sender="29:bob", mention=False)
    )

    assert response.status == 201
    assert len(teams.connector.posts()) == posts
    with teams.session() as session:
        assert session.exec(select(Story)).all() == []
