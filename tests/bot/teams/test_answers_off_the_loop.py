"""Teams answers are written in a worker thread: a slow write does not stall other requests."""

import asyncio
import time

import pytest
from sqlmodel import select

from bot.teams import ritual_actions
from storage.models import Occurrence, Story
from tests.bot.teams import payloads
from tests.bot.teams.conftest import set_up_team
from tests.bot.teams.rounds import open_round
from tests.slow_database import assert_the_loop_never_waited, on_a_slow_database


async def test_a_slow_pulse_write_leaves_healthz_answering_at_once(teams, monkeypatch):
    await set_up_team(teams)
    occurrence = await open_round(teams, "safety_pulse")
    with teams.session() as session:
        items = [int(n) for n in session.get(Occurrence, occurrence.id).pulse_items.split(",")]
    write = ritual_actions._record_pulse

    def slow_write(*arguments):  # type: ignore[no-untyped-def]
        time.sleep(0.6)  # a database that takes its time
        return write(*arguments)

    monkeypatch.setattr(ritual_actions, "_record_pulse", slow_write)
    data = {"haven": "pulse", "occurrence_id": occurrence.id, **{f"item_{n}": "5" for n in items}}
    answering = asyncio.ensure_future(
        teams.post(payloads.personal_execute(teams.url, data, sender="29:bob"))
    )
    started, slowest = time.perf_counter(), 0.0
    while time.perf_counter() - started < 0.4:
        asked = time.perf_counter()
        assert (await teams.client.get("/healthz")).status == 200
        slowest = max(slowest, time.perf_counter() - asked)
        await asyncio.sleep(0.05)
    assert slowest < 0.1, f"/healthz took {slowest * 1000:.0f} ms"
    assert "That's all" in (await (await answering).json())["value"]


@pytest.mark.parametrize(
    "data",
    [{"haven": "status"}, {"haven": "setup_form"}, {"haven": "rituals"}],
    ids=lambda data: data["haven"],
)
async def test_admin_actions_on_a_slow_database_leave_healthz_answering(teams, data):
    await set_up_team(teams)
    request = teams.post(payloads.card_execute(teams.url, data, sender="29:alice"))
    observed = await on_a_slow_database(client=teams.client, engine=teams.engine, request=request)
    assert_the_loop_never_waited(observed)


async def test_a_story_reply_on_a_slow_database_leaves_healthz_answering(teams):
    await set_up_team(teams)
    occurrence = await open_round(teams, "failure_celebration")
    reply = payloads.channel_message(
        teams.url,
        "Shipped late; learnt to cut scope.",
        mention=False,
        thread=occurrence.message_ref,
    )
    observed = await on_a_slow_database(
        client=teams.client, engine=teams.engine, request=teams.post(reply)
    )
    assert_the_loop_never_waited(observed)
    with teams.session() as session:
        assert len(session.exec(select(Story)).all()) == 1
