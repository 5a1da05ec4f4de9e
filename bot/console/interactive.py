"""`haven console`: you join the demo team and answer this week's four rituals by typing."""

import asyncio
import random
import signal
import threading
from pathlib import Path
from types import FrameType

import typer
from rich.console import Console

from bot.console.demo import fresh_sqlite
from bot.console.demo_team import DEMO_PEOPLE, DEMO_ROOM, create_demo_team, personas
from bot.console.notifier import ConsoleNotifier
from bot.console.simulation import _answer
from bot.console.tables import signals_table, withheld_notes
from bot.platforms import Notifiers
from rituals import checkin, failure, feedback, pulse
from rituals.clock import utcnow
from rituals.context import RitualScope
from rituals.errors import InvalidAnswer
from rituals.lifecycle import close_occurrence, open_occurrence
from rituals.messages import AGREE_LABELS
from rituals.ports import Person
from rituals.signals import compute_week_signals
from storage.db import get_engine, session_scope
from storage.models import Occurrence
from storage.occurrences import rituals_of_team

YOU = Person(user_id="you", display_name="You")


def ask_number(question: str, low: int, high: int) -> int:
    """Ask until the person types a whole number in range."""
    while True:
        answer = typer.prompt(question)
        if answer.strip().isdigit() and low <= int(answer) <= high:
            return int(answer)
        typer.echo(f"Please type a whole number from {low} to {high}.")


def _interrupt(signum: int, frame: FrameType | None) -> None:
    """Stop at the first Ctrl-C, even while a prompt waits for a line."""
    raise KeyboardInterrupt


def run_console(*, database: Path, console: Console) -> None:
    """Run the console session; the first Ctrl-C stops it.

    asyncio.run's own Ctrl-C handler only cancels the task, which cannot interrupt a prompt
    blocked on input, so the first Ctrl-C would be lost; a handler of our own raises at once.
    """
    if threading.current_thread() is not threading.main_thread():
        asyncio.run(run_interactive(database=database, console=console))
        return
    previous = signal.signal(signal.SIGINT, _interrupt)
    try:
        asyncio.run(run_interactive(database=database, console=console))
    finally:
        signal.signal(signal.SIGINT, previous)


async def run_interactive(*, database: Path, console: Console) -> None:
    """Open each ritual now, let you and your simulated teammates answer, then close and show the week."""
    engine = get_engine(fresh_sqlite(database))
    notifier = ConsoleNotifier(
        rooms={DEMO_ROOM: [*DEMO_PEOPLE, YOU]},
        output=lambda text: console.print(text, markup=False),
        watcher=YOU.user_id,
    )
    notifiers = Notifiers(by_platform={"console": notifier})
    rng = random.Random()
    now = utcnow()
    console.print(
        "[bold]Welcome to the demo team.[/bold] You are 'You'; seven teammates and a lead answer too.\n"
    )
    with session_scope(engine) as session:
        team = create_demo_team(session=session, extra_people=(YOU,))
        for ritual in rituals_of_team(session=session, team_id=team.id):
            occurrence = await open_occurrence(
                session=session, notifiers=notifiers, ritual_id=ritual.id, scheduled_at=now, now=now
            )
            assert occurrence is not None
            scope = RitualScope.of_ritual(session=session, ritual_id=ritual.id)
            await _answer(scope, occurrence, notifiers, personas(rng.randint(0, 999)), 0.6, rng)
            await _your_turn(scope, occurrence, notifiers, console)
            await close_occurrence(
                session=session, notifiers=notifiers, occurrence_id=occurrence.id, now=now
            )
            console.print()
        week = compute_week_signals(session=session, team=team, iso_week=occurrence.iso_week)
    console.print(signals_table(f"{team.name} — this week", [week]))
    for note in withheld_notes([week]):
        console.print(f"[dim]{note}[/dim]")


async def _your_turn(
    scope: RitualScope, occurrence: Occurrence, notifiers: Notifiers, console: Console
) -> None:
    kind = scope.ritual.kind
    try:
        if kind == "checkin":
            mood = ask_number("Your mood (1-5)", 1, 5)
            word = typer.prompt("One word (Enter to skip)", default="", show_default=False)
            await checkin.record(
                scope=scope,
                occurrence=occurrence,
                notifiers=notifiers,
                user_id=YOU.user_id,
                mood=mood,
                text=word or None,
                display_name=YOU.display_name,
            )
        elif kind == "safety_pulse":
            for item in pulse.asked_items(occurrence):
                score = ask_number(f"Item {item}: your agreement (1-7)", 1, 7)
                receipt = pulse.record(
                    scope=scope, occurrence=occurrence, user_id=YOU.user_id, item=item, score=score
                )
                left = len(receipt.remaining)
                console.print(
                    f"Saved: item {item}, {score}/7 ({AGREE_LABELS[score]}). "
                    + (f"{left} item{'s' if left > 1 else ''} to go." if left else "Pulse done.")
                )
        elif kind == "failure_celebration":
            story = typer.prompt("Your story (Enter to skip)", default="", show_default=False)
            if story and typer.confirm("Share it anonymously?", default=False):
                await failure.share_anonymously(
                    scope=scope, occurrence=occurrence, notifiers=notifiers, text=story
                )
            elif story:
                failure.record_story(
                    scope=scope,
                    occurrence=occurrence,
                    user_id=YOU.user_id,
                    message_ref="you",
                    text=story,
                )
        else:
            text = typer.prompt(
                "Your anonymous answer (Enter to skip)", default="", show_default=False
            )
            if text:
                receipt = feedback.record(
                    scope=scope, occurrence=occurrence, user_id=YOU.user_id, text=text
                )
                console.print(
                    f"Stored without your name ({receipt.answers_so_far} answers so far; the lead sees "
                    f"them from {receipt.threshold} on)."
                )
    except InvalidAnswer as error:
        console.print(f"[yellow]{error}[/yellow]")
