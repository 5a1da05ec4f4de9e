"""`haven secrets`: make a key for HAVEN_SECRET_KEY and re-seal stored secrets under it."""

from typing import Annotated

import typer

from storage.secret_box import new_secret_key

secrets_app = typer.Typer(help="Secrets at rest (Slack tokens).", no_args_is_help=True)


@secrets_app.command("new-key")
def new_key(
    key_id: Annotated[str, typer.Option("--id", help="Name of the key, e.g. 2026-12.")] = "k1",
) -> None:
    """Print a new key entry; put it first in HAVEN_SECRET_KEY, older keys after it."""
    from bot.cli import one_line_errors

    typer.echo(one_line_errors(new_secret_key)(key_id=key_id))


@secrets_app.command("rotate")
def rotate() -> None:
    """Seal every stored secret under the first key of HAVEN_SECRET_KEY."""
    from bot.cli import migrated_engine, one_line_errors
    from bot.settings import load_settings
    from storage.sealed_columns import reseal_all

    def run() -> None:
        ring = load_settings().secret_key_ring
        if ring is None:
            raise ValueError("HAVEN_SECRET_KEY is not set (make one with `haven secrets new-key`)")
        count = reseal_all(engine=migrated_engine(), ring=ring)
        typer.echo(f"Re-sealed: sealed {count} secrets under key '{ring.current_id}'.")

    one_line_errors(run)()
