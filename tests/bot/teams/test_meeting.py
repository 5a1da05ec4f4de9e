"""A channel meeting starts: a check-in tied to it opens in the meeting's chat, once."""

from datetime import UTC, datetime

from sqlmodel import select

from storage.models import Occurrence
from storage.teams import find_team
from tests.bot.teams import payloads
from tests.bot.teams.conftest import set_up_team
from tests.conftest import make_ritual

MEETING_CHAT = f"{payloads.CHANNEL};messageid=1700000999999"


async def test_meeting_start_opens_a_checkin_in_the_meeting_chat_once(teams, time_machine):
    time_machine.move_to(datetime(2026, 11, 23, 9, 56, tzinfo=UTC))
    await set_up_team(teams)
    with teams.session() as session:
        make_ritual(session, find_team(session=session, name="Platform"), "checkin", mode="private")
    event = payloads.meeting_start(teams.url, meeting_thread="1700000999999")

    assert (await teams.post(event)).status == 201
    assert (await teams.post(event)).status == 201  # Teams may deliver the event twice

    [prompt] = teams.connector.posts(MEETING_CHAT)
    assert "Check-in" in prompt.card_text
    with teams.session() as session:
        [occurrence] = session.exec(select(Occurrence)).all()
    assert occurrence.scheduled_at == datetime(2026, 11, 23, 9, 55, tzinfo=UTC)
    assert occurrence.message_ref.endswith("|" + MEETING_CHAT)

    data = {"haven": "checkin", "occurrence_id": occurrence.id, "mood": 4}
    response = await teams.post(
        payloads.card_execute(teams.url, data, sender="29:bob", conversation_id=MEETING_CHAT)
    )
    assert "Checked in: 4" in (await response.json())["value"]


async def test_a_meeting_in_a_channel_without_a_checkin_opens_nothing(teams):
    await set_up_team(teams)
    posts = len(teams.connector.posts())

    response = await teams.post(payloads.meeting_start(teams.url, meeting_thread="1700000999998"))

    assert response.status == 201
    assert len(teams.connector.posts()) == posts
