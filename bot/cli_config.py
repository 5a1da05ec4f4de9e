"""`haven config`: apply a YAML file of teams and rituals, or export the database as one."""

from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from bot.settings import Settings, load_settings
from rituals.errors import HavenError
from rituals.team_config import ApplyReport, TeamsConfig, apply_config, export_config, load_config
from storage.db import get_engine, session_scope
from storage.migrate import upgrade

config_app = typer.Typer(
    help="Teams and rituals as code: apply a YAML file, or export the database as one.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
progress_console = Console(stderr=True)


@config_app.command("apply")
def apply_command(
    file: Annotated[Path, typer.Argument(help="YAML file describing the teams and rituals.")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check the file and show the changes; write nothing.")
    ] = False,
) -> None:
    """Make the teams and rituals match FILE; an invalid file changes nothing."""
    try:
        config = load_config(file)
        engine = _migrated_engine()
        defaults = _default_workspaces(load_settings(), config)
        report = _with_progress(engine, config, default_workspaces=defaults, dry_run=dry_run)
    except (HavenError, SQLAlchemyError) as error:
        _fail(error)
    if dry_run and report.changed:
        typer.echo(f"Dry run, nothing written. Applying {file} would make these changes:")
    for line in report.lines:
        typer.echo(line)
    for warning in report.warnings:
        typer.echo(f"Warning: {warning}", err=True)


@config_app.command("export")
def export_command(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the YAML here, not to stdout.")
    ] = None,
) -> None:
    """Print every team and ritual as YAML that `haven config apply` accepts."""
    try:
        with session_scope(_migrated_engine()) as session:
            text = export_config(session=session)
        if output is None:
            typer.echo(text, nl=False)
            return
        output.write_text(text, encoding="utf-8")
    except (HavenError, SQLAlchemyError) as error:
        _fail(error)
    except OSError as error:
        _fail(f"cannot write {output}: {error.strerror or error}")
    typer.echo(f"Exported the teams to {output}.")


def _migrated_engine() -> Engine:
    """Bring the configured database up to date and return its engine."""
    url = load_settings().database_url
    upgrade(url)
    return get_engine(url)


def _default_workspaces(settings: Settings, config: TeamsConfig) -> dict[str, str]:
    """Return the Slack workspace of SLACK_BOT_TOKEN when a Slack team gives no `workspace:`."""
    unbound = any(t.platform == "slack" and t.workspace is None for t in config.teams)
    one_workspace = settings.slack_bot_token and not settings.slack_client_id
    if not (unbound and one_workspace):
        return {}
    from bot.slack.token_workspace import token_workspace

    team_id = token_workspace(api_url=settings.slack_api_url, token=settings.slack_bot_token)
    return {"slack": team_id} if team_id else {}


def _with_progress(
    engine: Engine, config: TeamsConfig, *, default_workspaces: dict[str, str], dry_run: bool
) -> ApplyReport:
    """Apply (or plan) the config with a progress bar on stderr for files of many teams."""
    with Progress(
        TextColumn("Dry run" if dry_run else "Applying"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("teams"),
        TimeElapsedColumn(),
        console=progress_console,
        transient=True,
        disable=len(config.teams) < 50,
    ) as progress:
        task = progress.add_task("teams", total=len(config.teams))

        def step() -> None:
            progress.advance(task)

        if dry_run:
            return _planned(engine, config, default_workspaces=default_workspaces, on_team=step)
        return _applied(engine, config, default_workspaces=default_workspaces, on_team=step)


def _applied(engine: Engine, config: TeamsConfig, **options: object) -> ApplyReport:
    """Apply the config in one transaction: all of it, or nothing."""
    with session_scope(engine) as session:
        return apply_config(session=session, config=config, **options)  # type: ignore[arg-type]


def _planned(engine: Engine, config: TeamsConfig, **options: object) -> ApplyReport:
    """Work out what applying the config would change without writing (no write lock is taken)."""
    with Session(engine, autoflush=False) as session:
        try:
            return apply_config(session=session, config=config, dry_run=True, **options)  # type: ignore[arg-type]
        finally:
            session.expunge_all()
            session.rollback()


def _fail(error: Exception | str) -> NoReturn:
    """Show the error on stderr, one line per problem, and exit with code 1."""
    if isinstance(error, SQLAlchemyError):
        error = f"database error: {str(error).splitlines()[0]}"
    for line in str(error).splitlines() or ["unknown error"]:
        typer.echo(f"Error: {line}", err=True)
    raise typer.Exit(1)
