"""`haven dashboard-link`: print a one-time sign-in link to the dashboard, for local use."""

from typing import Annotated

import typer

from bot.settings import load_settings
from bot.web.links import link_for_member
from storage.db import get_engine, normalize_url, session_scope
from storage.migrate import upgrade


def dashboard_link(
    member: Annotated[int, typer.Option(help="Member id (see `haven rituals list`).")],
) -> None:
    """Print a sign-in link for a member: single use, valid 10 minutes."""
    settings = load_settings()
    url = normalize_url(settings.database_url)
    upgrade(url)
    with session_scope(get_engine(url)) as session:
        link = link_for_member(
            session=session,
            key=settings.dashboard_key,
            base_url=settings.dashboard_url,
            member_id=member,
        )
    typer.echo(link)
