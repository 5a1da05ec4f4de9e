"""`haven digest`: preview a team's weekly safety digest in the terminal, as JSON or a chart."""

import json
from pathlib import Path
from typing import Annotated

import typer

from bot.cli_errors import os_error_text
from bot.console.digest_text import digest_text
from bot.settings import load_settings
from rituals.clock import local_iso_week, parse_iso_week, utcnow
from rituals.digest import DigestDocument, build_digest, last_complete_week
from rituals.errors import InvalidAnswer, NotFound
from storage.db import get_engine, normalize_url, session_scope
from storage.migrate import upgrade
from storage.teams import find_team


def digest(
    team: Annotated[str, typer.Option(help="Team name.")],
    week: Annotated[
        str | None,
        typer.Option(help="ISO week to describe, e.g. 2026-W47 (default: the week that ended)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
    chart: Annotated[
        Path | None, typer.Option(help="Also write the 8-week trend chart to this PNG file.")
    ] = None,
) -> None:
    """Show a team's weekly safety digest: numbers from k people or more, alerts, a next step."""
    url = normalize_url(load_settings().database_url)
    upgrade(url)
    with session_scope(get_engine(url)) as session:
        found = find_team(session=session, name=team)
        if found is None:
            raise NotFound(f"no team named '{team}' (see `haven rituals list`)")
        if week is not None:
            parse_iso_week(week)
        iso_week = (week or last_complete_week(local_iso_week(utcnow(), found.timezone))).upper()
        assert found.id is not None
        document = build_digest(session=session, team_id=found.id, iso_week=iso_week)
    chart_note = _write_chart(document, chart) if chart is not None else None
    if as_json:
        typer.echo(json.dumps(document.as_dict(), indent=2, ensure_ascii=False))
    else:
        typer.echo(digest_text(document))
    if chart_note is not None:
        typer.echo(chart_note, err=True)


def _write_chart(document: DigestDocument, path: Path) -> str:
    """Write the trend chart before anything is printed, so a bad path fails alone; say what happened."""
    from bot.chart import (  # matplotlib loads only when a chart is drawn
        chart_alt_text,
        render_chart,
    )

    if not path.parent.is_dir():
        raise InvalidAnswer(f"cannot write the chart: the folder {path.parent} does not exist")
    png = render_chart(document)
    if png is None:
        return f"No chart written: {chart_alt_text(document)}"
    try:
        path.write_bytes(png)
    except OSError as error:
        raise InvalidAnswer(f"cannot write the chart: {os_error_text(error)}") from None
    return f"Chart written to {path}."
