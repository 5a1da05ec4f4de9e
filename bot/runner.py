"""Build the platforms that are on, and run a ritual on demand."""

from rich.console import Console
from sqlalchemy.engine import Engine

from bot.console.notifier import ConsoleNotifier
from bot.platforms import Notifiers
from bot.settings import Settings
from rituals.clock import utcnow
from rituals.errors import InvalidAnswer, NotFound
from rituals.lifecycle import open_occurrence
from storage.db import session_scope
from storage.models import RITUAL_KINDS
from storage.occurrences import rituals_of_team
from storage.teams import find_team


def build_notifiers(*, settings: Settings, console: Console | None = None) -> Notifiers:
    """Return the notifiers of every platform whose settings are present (the console is always on)."""
    output = (lambda text: console.print(text, markup=False)) if console else None
    notifiers = Notifiers(by_platform={"console": ConsoleNotifier(output=output)})
    if settings.slack_enabled:
        from bot.slack.runtime import build_slack_notifier

        notifiers.by_platform["slack"] = build_slack_notifier(settings=settings)
    if settings.teams_enabled:
        from bot.teams.mount import build_teams_notifier

        notifiers.by_platform["teams"] = build_teams_notifier(settings=settings)
    return notifiers


async def run_ritual_now(
    *, engine: Engine, settings: Settings, team: str, kind: str, console: Console
) -> str:
    """Open an occurrence of the team's ritual of this kind (or name) now; return what happened."""
    notifiers = build_notifiers(settings=settings, console=console)
    with session_scope(engine) as session:
        found = find_team(session=session, name=team)
        if found is None:
            raise NotFound(f"no team named '{team}' (see `haven rituals list`)")
        every = rituals_of_team(session=session, team_id=found.id)
        rituals = [r for r in every if kind in (r.kind, r.name)]
        if not rituals:
            names = ", ".join(sorted({r.name for r in every})) or "none yet"
            raise NotFound(
                f"team '{found.name}' has no ritual '{kind}'; its rituals: {names} "
                f"(kinds: {', '.join(RITUAL_KINDS)})"
            )
        ritual = rituals[0]
        if ritual.paused:
            raise InvalidAnswer(f"ritual '{ritual.name}' of team '{found.name}' is paused")
        now = utcnow()
        occurrence = await open_occurrence(
            session=session, notifiers=notifiers, ritual_id=ritual.id, scheduled_at=now, now=now
        )
        if occurrence is None:
            return f"'{ritual.name}' was already opened at {now:%Y-%m-%d %H:%M} UTC; nothing sent again."
        return f"Opened '{ritual.name}' for {found.name} (occurrence {occurrence.id}, {occurrence.invited_count} invited)."
