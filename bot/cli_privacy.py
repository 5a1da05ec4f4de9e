"""`haven privacy`: export or erase what Haven holds about one person."""

import json
from pathlib import Path
from typing import Annotated

import typer

privacy_app = typer.Typer(help="People's data: export and erase.", no_args_is_help=True)

MemberOption = Annotated[
    str | None, typer.Option("--member", help="Platform user id (Slack U…, Teams 29:…).")
]
TeamOption = Annotated[str | None, typer.Option(help="With --name: the person's team.")]
NameOption = Annotated[str | None, typer.Option(help="With --team: the person's display name.")]


@privacy_app.command("export")
def export(
    member: MemberOption = None,
    team: TeamOption = None,
    name: NameOption = None,
    output: Annotated[
        Path | None, typer.Option(help="JSON file to write (default: stdout).")
    ] = None,
) -> None:
    """Write everything Haven holds about one person as JSON."""
    from bot.cli import migrated_engine, one_line_errors
    from bot.privacy_requests import export_document
    from bot.settings import load_settings

    def run() -> None:
        document = export_document(
            engine=migrated_engine(),
            policy=load_settings().privacy_policy,
            user_id=member,
            team=team,
            name=name,
        )
        text = json.dumps(document, indent=2, ensure_ascii=False)
        if output is None:
            typer.echo(text)
            return
        output.write_text(text + "\n", encoding="utf-8")
        output.chmod(0o600)
        typer.echo(f"Wrote {output}.", err=True)

    one_line_errors(run)()


@privacy_app.command("forget")
def forget(
    member: MemberOption = None,
    team: TeamOption = None,
    name: NameOption = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only say what would go.")] = False,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Erase one person's profile, named answers, stories, references and relay seals."""
    from bot.cli import migrated_engine, one_line_errors
    from bot.privacy_requests import erase_person
    from bot.settings import load_settings

    def run() -> None:
        engine, relay_key = migrated_engine(), load_settings().relay_key_bytes
        preview = erase_person(
            engine=engine, relay_key=relay_key, user_id=member, team=team, name=name, dry_run=True
        )
        if preview.nothing:
            typer.echo(f"Haven holds nothing about {preview.user_id}: nothing to erase.")
            return
        if dry_run:
            typer.echo("\n".join(preview.lines()))
            return
        if not yes and not typer.confirm(
            "\n".join([*preview.lines(), "Erase all of this? It cannot be undone."])
        ):
            typer.echo("Nothing erased.")
            return
        report = erase_person(
            engine=engine, relay_key=relay_key, user_id=preview.user_id, dry_run=False
        )
        typer.echo("\n".join(report.lines()))

    one_line_errors(run)()
