"""`haven demo`: eight simulated people, four rituals, several weeks, then the weekly signals."""

import shlex
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from bot.console.demo_team import DEMO_PEOPLE, DEMO_ROOM, DEMO_TEAM, create_demo_team, personas
from bot.console.notifier import ConsoleNotifier
from bot.console.render import render
from bot.console.simulation import demo_window, planned_occurrences, simulate
from bot.console.tables import signals_table, withheld_notes
from bot.digest_format import trend_summary
from bot.platforms import Notifiers
from rituals.clock import iso_week_of, utcnow
from rituals.digest import build_digest
from rituals.messages import DigestMessage
from rituals.signals import signals_for_weeks
from storage.db import get_engine, session_scope
from storage.migrate import upgrade


def fresh_sqlite(database: Path) -> str:
    """Delete the file and its write-ahead log if they exist, migrate a new one, return its URL."""
    for path in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
        path.unlink(missing_ok=True)
    url = f"sqlite:///{database}"
    upgrade(url)
    return url


async def run_demo(
    *, database: Path, weeks: int, seed: int, transcript: bool, console: Console
) -> None:
    """Run the demo end to end and print what a team and its leader would see."""
    engine = get_engine(fresh_sqlite(database))
    start, end = demo_window(now=utcnow(), weeks=weeks)
    notifier = ConsoleNotifier(
        rooms={DEMO_ROOM: list(DEMO_PEOPLE)},
        output=(lambda text: console.print(text, markup=False)) if transcript else None,
    )
    notifiers = Notifiers(by_platform={"console": notifier})
    console.print(
        f"[bold]Haven demo[/bold] — {len(DEMO_PEOPLE)} people, 4 rituals, {weeks} simulated weeks "
        f"(data in {database})"
    )
    with session_scope(engine) as session:
        team = create_demo_team(session=session)
        total = len(planned_occurrences(session=session, team=team, start=start, end=end))
        with Progress(
            TextColumn("Simulating rituals"),
            BarColumn(),
            MofNCompleteColumn(),
            console=console,
            transient=True,
            disable=transcript,
        ) as progress:
            task = progress.add_task("simulate", total=total)
            await simulate(
                session=session,
                notifiers=notifiers,
                team=team,
                people=personas(seed),
                start=start,
                end=end,
                seed=seed,
                on_step=lambda: progress.advance(task),
            )
        last_week = iso_week_of(end.date())
        weeks_signals = signals_for_weeks(
            session=session, team=team, last_week=last_week, weeks=weeks
        )
        digest = build_digest(session=session, team_id=team.id, iso_week=last_week)
    console.print(
        f"Ran {total} ritual occurrences; {len(notifier.deliveries)} messages delivered.\n"
    )
    if not transcript:
        _print_sample(notifier, console)
    console.print(
        signals_table(f"{team.name} — weekly safety signals", weeks_signals, digest=digest)
    )
    for note in withheld_notes(weeks_signals, digest=digest):
        console.print(f"[dim]{note}[/dim]")
    console.print(f"\n[bold]What the leader receives on Monday — the digest of {last_week}:[/bold]")
    message = DigestMessage(document=digest, chart_png=None, chart_alt_text=trend_summary(digest))
    console.print(render(message), markup=False)
    console.print("\nExplore the demo's data (these commands read the demo's database):")
    for command in explore_commands(database):
        console.print(f"  {command}", markup=False, soft_wrap=True)
    console.print(
        "Try it yourself: [bold]haven console[/bold]. Your own teams: see README → Configure."
    )


def explore_commands(database: Path) -> list[str]:
    """Return the commands, exactly as to type them, that read the demo's database."""
    prefix = f"DATABASE_URL={shlex.quote(f'sqlite:///{database.resolve()}')}"
    team = shlex.quote(DEMO_TEAM)
    return [
        f"{prefix} haven signals --team {team}",
        f"{prefix} haven digest --team {team} --chart trend.png",
        f"{prefix} haven rituals list",
        f"{prefix} haven rituals run {team} checkin",
    ]


def _print_sample(notifier: ConsoleNotifier, console: Console) -> None:
    """Print the last round of each kind of message, so the reader sees what the team saw."""
    seen: dict[str, str] = {}
    for delivery in notifier.deliveries:
        seen[type(delivery.message).__name__] = render(delivery.message)
    console.print("[bold]What the team saw last (one of each):[/bold]")
    for text in seen.values():
        console.print("  " + text.replace("\n", "\n  "), markup=False)
    console.print()
