"""Open and close ritual rounds of the test team through the core, as the scheduler would."""

from typing import Any

from rituals.clock import utcnow
from rituals.lifecycle import close_occurrence, open_occurrence, send_reminders
from storage.models import Occurrence
from storage.teams import find_team
from tests.bot.teams.conftest import TeamsHarness
from tests.conftest import make_ritual


async def open_round(teams: TeamsHarness, kind: str, **options: Any) -> Occurrence:
    """Add a ritual of this kind to team Platform and open a round of it now."""
    with teams.session() as session:
        team = find_team(session=session, name="Platform")
        ritual = make_ritual(session, team, kind, **options)
        occurrence = await open_occurrence(
            session=session,
            notifiers=teams.runtime.notifiers,
            ritual_id=ritual.id,
            scheduled_at=utcnow(),
        )
    assert occurrence is not None
    return occurrence


async def close_round(teams: TeamsHarness, occurrence: Occurrence) -> None:
    """Close a round, posting its summary."""
    with teams.session() as session:
        await close_occurrence(
            session=session, notifiers=teams.runtime.notifiers, occurrence_id=occurrence.id
        )


async def remind(teams: TeamsHarness, occurrence: Occurrence) -> int:
    """Send a round's reminders; return how many people were nudged."""
    with teams.session() as session:
        return await send_reminders(
            session=session, notifiers=teams.runtime.notifiers, occurrence_id=occurrence.id
        )
