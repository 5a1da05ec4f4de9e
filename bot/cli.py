"""The `haven` command."""

import asyncio
import json
import logging
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.console import Console

from bot.cli_check import check, refuse_unsafe_settings
from bot.cli_config import config_app
from bot.cli_dashboard import dashboard_link
from bot.cli_digest import digest
from bot.cli_errors import OneLineErrorGroup, one_line_errors
from bot.cli_privacy import privacy_app
from bot.cli_secrets import secrets_app
from bot.console.tables import signals_table, withheld_notes
from bot.guard_secret import install_from_settings
from bot.settings import load_settings
from rituals.clock import local_iso_week, parse_iso_week, utcnow
from rituals.digest import build_digest
from rituals.errors import NotFound
from rituals.sentiment import set_default_analyser
from rituals.signals import signals_for_weeks
from storage.db import get_engine, normalize_url, session_scope
from storage.migrate import upgrade
from storage.occurrences import rituals_of_team
from storage.teams import find_team, list_teams

app = typer.Typer(
    help="Haven: psychological-safety rituals for Slack and Microsoft Teams.",
    no_args_is_help=True,
    cls=OneLineErrorGroup,
    rich_markup_mode=None,  # plain help: flags without a `<bool>` that reads like a value
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True, rich_markup_mode=None)
rituals_app = typer.Typer(help="List and run rituals.", no_args_is_help=True, rich_markup_mode=None)
app.add_typer(db_app, name="db")
app.add_typer(rituals_app, name="rituals")
console = Console()


@app.callback()
def apply_settings(ctx: typer.Context) -> None:
    """Read the settings once and apply the ones the core needs (sentiment analyser, guard secret)."""
    try:
        settings = load_settings()
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
        typer.echo(f"Error: invalid setting: {problems}", err=True)
        raise typer.Exit(1) from None
    set_default_analyser(settings.sentiment_analyser)
    try:
        install_from_settings(settings)
    except (OSError, ValueError) as error:
        if settings.haven_env == "production" and ctx.invoked_subcommand in ("serve", "check"):
            return  # they name the missing or weak HAVEN_SECRET_KEY among every production check
        typer.echo(f"Error: {error}", err=True)
        raise typer.Exit(1) from None


def database_url() -> str:
    """Return the configured database URL (SQLite file by default)."""
    return normalize_url(load_settings().database_url)


def migrated_engine():  # type: ignore[no-untyped-def]
    """Bring the configured database up to date and return its engine."""
    url = database_url()
    upgrade(url)
    return get_engine(url)


@db_app.command("upgrade")
@one_line_errors
def db_upgrade() -> None:
    """Apply every migration to the configured database."""
    upgrade(database_url())
    typer.echo(f"Database is up to date ({database_url().split('@')[-1]}).")


@app.command()
@one_line_errors
def serve(
    port: Annotated[
        int | None, typer.Option(help="Port to listen on (default: PORT or 3978).")
    ] = None,
    host: Annotated[
        str | None,
        typer.Option(
            help="Address to listen on (default: HAVEN_HOST or 127.0.0.1; 0.0.0.0 for every "
            "interface, e.g. in a container behind a proxy)."
        ),
    ] = None,
) -> None:
    """Run the HTTP server (GET /healthz, platform endpoints) and the scheduler in one process."""
    from bot.server import run_server

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    refuse_unsafe_settings(load_settings())
    run_server(settings=load_settings(), port=port, host=host)


@app.command()
@one_line_errors
def demo(
    weeks: Annotated[int, typer.Option(min=1, max=52, help="How many weeks to simulate.")] = 8,
    database: Annotated[Path, typer.Option(help="SQLite file for the demo (recreated).")] = Path(
        "haven-demo.db"
    ),
    seed: Annotated[int, typer.Option(help="Random seed of the simulated answers.")] = 7,
    transcript: Annotated[
        bool, typer.Option(help="Print every message the team would see.")
    ] = False,
) -> None:
    """Simulate a demo team running all four rituals and print its weekly safety signals."""
    from bot.console.demo import run_demo

    asyncio.run(
        run_demo(database=database, weeks=weeks, seed=seed, transcript=transcript, console=console)
    )


@app.command("console")
@one_line_errors
def console_command(
    database: Annotated[
        Path, typer.Option(help="SQLite file for the console team (recreated).")
    ] = Path("haven-console.db"),
) -> None:
    """Join a demo team and answer this week's rituals yourself by typing."""
    from bot.console.interactive import run_console

    run_console(database=database, console=console)


@app.command()
@one_line_errors
def signals(
    team: Annotated[str, typer.Option(help="Team name.")],
    weeks: Annotated[int, typer.Option(min=1, max=104, help="How many weeks back.")] = 8,
    week: Annotated[str | None, typer.Option(help="Last ISO week to show, e.g. 2026-W47.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Show a team's weekly signals; values from fewer than k people are withheld and say why."""
    with session_scope(migrated_engine()) as session:
        found = find_team(session=session, name=team)
        if found is None:
            raise NotFound(f"no team named '{team}' (see `haven rituals list`)")
        last = week or local_iso_week(utcnow(), found.timezone)
        parse_iso_week(last)
        rows = signals_for_weeks(session=session, team=found, last_week=last, weeks=weeks)
        digest = None if as_json else build_digest(session=session, team_id=found.id, iso_week=last)
    if as_json:
        typer.echo(json.dumps([row.as_dict() for row in rows], indent=2))
        return
    console.print(signals_table(f"{found.name} — weekly signals", rows, digest=digest))
    for note in withheld_notes(rows, digest=digest):
        console.print(f"[dim]{note}[/dim]")


@rituals_app.command("list")
@one_line_errors
def rituals_list() -> None:
    """List every team's rituals with their schedules."""
    with session_scope(migrated_engine()) as session:
        teams = list_teams(session=session)
        if not teams:
            typer.echo("No teams yet: describe them in YAML and run `haven config apply FILE`.")
            return
        for team in teams:
            console.print(
                f"[bold]{team.name}[/bold]  ({team.channel}, {team.timezone}, days {team.working_days})"
            )
            for ritual in rituals_of_team(session=session, team_id=team.id):
                state = "paused" if ritual.paused else "active"
                extra = f" mode={ritual.mode}" if ritual.kind == "checkin" else ""
                console.print(
                    f"  {ritual.name:<22} {ritual.kind:<20} {ritual.schedule!r:<18} {state}{extra}"
                )


@rituals_app.command("run")
@one_line_errors
def rituals_run(team: str, kind: str) -> None:
    """Open an occurrence of a team's ritual now."""
    from bot.runner import run_ritual_now

    result = asyncio.run(
        run_ritual_now(
            engine=migrated_engine(),
            settings=load_settings(),
            team=team,
            kind=kind,
            console=console,
        )
    )
    typer.echo(result)


app.add_typer(config_app, name="config")


@app.command("teams-package")
@one_line_errors
def teams_package(
    website_url: Annotated[
        str,
        typer.Option(help="https:// page about Haven in your organisation (required by Teams)."),
    ],
    output: Annotated[Path, typer.Option(help="Zip file to write.")] = Path("haven-teams.zip"),
    app_id: Annotated[
        str | None, typer.Option(help="Teams app id (a GUID); default: MICROSOFT_APP_ID.")
    ] = None,
    privacy_url: Annotated[str | None, typer.Option(help="Default: WEBSITE_URL/privacy.")] = None,
    terms_url: Annotated[str | None, typer.Option(help="Default: WEBSITE_URL/terms.")] = None,
    haven_url: Annotated[
        str | None,
        typer.Option(help="https:// address of this Haven server: adds the 'Your data' tab."),
    ] = None,
) -> None:
    """Write the Teams app package (manifest.json and icons) to upload in Teams."""
    from bot.teams.package import write_package

    path = write_package(
        output=output,
        bot_id=load_settings().microsoft_app_id,
        website_url=website_url,
        app_id=app_id,
        privacy_url=privacy_url,
        terms_url=terms_url,
        haven_url=haven_url,
    )
    typer.echo(f"Wrote {path}; upload it in Teams: Apps → Manage your apps → Upload an app.")


app.command("digest")(one_line_errors(digest))
app.add_typer(secrets_app, name="secrets")
app.add_typer(privacy_app, name="privacy")
app.command("check")(one_line_errors(check))
app.command("dashboard-link")(one_line_errors(dashboard_link))
