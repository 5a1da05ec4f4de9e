"""`haven config`: apply a YAML file of teams and rituals, or export the database as one."""

from pathlib import Path
from typing import Annotated, NoReturn

import typer
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from bot.settings import load_settings
from rituals.errors import HavenError
from rituals.team_config import ApplyReport, TeamsConfig, apply_config, export_config, load_config
from storage.db import get_engine, session_scope
from storage.migrate import upgrade

config_app = typer.Typer(
    help="Teams and rituals as code: apply a YAML file, or export the database as one.",
    no_args_is_help=True,
)


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
        report = _planned(engine, config) if dry_run else _applied(engine, config)
    except (HavenError, SQLAlchemyError) as error:
        _fail(error)
    if dry_run and report.changed:
        typer.echo(f"Dry run, nothing written. Applying {file} would make these changes:")
    for line in report.lines:
        typer.echo(line)


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


def _applied(engine: Engine, config: TeamsConfig) -> ApplyReport:
    """Apply the config in one transaction: all of it, or nothing."""
    with session_scope(engine) as session:
        return apply_config(session=session, config=config)


def _planned(engine: Engine, config: TeamsConfig) -> ApplyReport:
    """Work out what applying the config would change, then roll everything back."""
    with Session(engine) as session:
        try:
            return apply_config(session=session, config=config)
        finally:
            session.rollback()


def _fail(error: Exception | str) -> NoReturn:
    """Show the error on stderr, one line per problem, and exit with code 1."""
    if isinstance(error, SQLAlchemyError):
        error = f"database error: {str(error).splitlines()[0]}"
    for line in str(error).splitlines() or ["unknown error"]:
        typer.echo(f"Error: {line}", err=True)
    raise typer.Exit(1)
