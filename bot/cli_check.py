"""`haven check`, and the refusal of `haven serve` to start on unsafe production settings."""

import logging

import typer

from bot.production_checks import Check, check_settings
from bot.settings import Settings
from storage.sealed_columns import unreadable_secrets
from storage.secret_box import SecretKeyError

log = logging.getLogger(__name__)


def stored_secrets_check(settings: Settings) -> Check:
    """Check that every stored Slack token is sealed and opens with HAVEN_SECRET_KEY."""
    from bot.cli import migrated_engine

    try:
        ring = settings.secret_key_ring
    except SecretKeyError:  # a malformed key: the secret key check names it
        return Check(name="stored secrets", problem=None)
    problems = unreadable_secrets(engine=migrated_engine(), ring=ring)
    if not problems:
        return Check(name="stored secrets", problem=None)
    return Check(
        name="stored secrets",
        problem=f"{problems[0]} ({len(problems)} in all): run `haven secrets rotate` with the "
        "key that sealed them in HAVEN_SECRET_KEY",
    )


def all_checks(settings: Settings) -> list[Check]:
    """Run the settings checks, then the stored secrets check."""
    return [*check_settings(settings), stored_secrets_check(settings)]


def refuse_unsafe_settings(settings: Settings) -> None:
    """In production, name every unsafe setting on one line and exit 1; elsewhere, log warnings."""
    failed = [c for c in all_checks(settings) if c.problem]
    if settings.haven_env != "production":
        for check in failed:
            log.warning("would be refused with HAVEN_ENV=production: %s", check.problem)
        return
    if failed:  # one line however many: each problem names its setting and its fix
        problems = "; ".join(str(check.problem) for check in failed)
        typer.echo(f"Error: refusing to start with HAVEN_ENV=production: {problems}", err=True)
        raise SystemExit(1)


def check() -> None:
    """Print the checks `haven serve` runs before starting, without starting anything."""
    from bot.settings import load_settings

    settings = load_settings()
    production = settings.haven_env == "production"
    checks = all_checks(settings)
    for result in checks:
        state = "ok  " if result.problem is None else ("FAIL" if production else "warn")
        typer.echo(f"{state}  {result.name}" + (f": {result.problem}" if result.problem else ""))
    failed = sum(1 for result in checks if result.problem)
    if not failed:
        typer.echo("Every check passed.")
    elif production:
        typer.echo(f"{failed} check(s) failed: `haven serve` refuses to start.")
        raise SystemExit(1)
    else:
        typer.echo(f"{failed} check(s) would make `haven serve` refuse HAVEN_ENV=production.")
