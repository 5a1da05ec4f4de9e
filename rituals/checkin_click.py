"""A check-in click as a platform delivers it, the scope it answers, and what writing it produced."""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from rituals.checkin import CheckinReceipt
from rituals.context import RitualScope
from rituals.errors import HavenError, NotFound
from storage.models import Occurrence


@dataclass(frozen=True)
class CheckinClick:
    """One member's check-in as it arrived from a platform."""

    occurrence_id: int
    platform: str
    workspace: str  # the platform's workspace id the click came from
    user_id: str
    mood: int
    text: str | None = None
    display_name: str = ""


@dataclass(frozen=True)
class Recorded:
    """What writing one click produced: the receipt, and the thread reply to show in shared mode."""

    receipt: CheckinReceipt
    shared_answer_id: int | None = None  # set when the answer belongs in the thread
    unnamed_member_id: int | None = None  # set when the member's name is not known yet


Outcome = Recorded | HavenError
Opened = tuple[RitualScope, Occurrence]  # an open check-in round, with its scope
Scopes = dict[int, Opened | HavenError]  # by occurrence id: the round, or why it takes no answer


def round_of(click: CheckinClick, scopes: Scopes) -> Opened | HavenError:
    """Return the open round a click answers, or why it is refused (another workspace's round)."""
    opened = scopes[click.occurrence_id]
    if isinstance(opened, HavenError):
        return opened
    workspace = opened[0].workspace
    if workspace.platform != click.platform or workspace.external_id != click.workspace:
        return NotFound("That ritual is not part of this workspace.")
    return opened


def users_by_round(
    clicks: Sequence[CheckinClick], scopes: Scopes
) -> Iterator[tuple[int, Opened, list[str]]]:
    """Yield each open round's occurrence id, the round, and the user ids that clicked it, once each."""
    for occurrence_id, opened in scopes.items():
        if isinstance(opened, HavenError):
            continue
        user_ids = dict.fromkeys(c.user_id for c in clicks if c.occurrence_id == occurrence_id)
        yield occurrence_id, opened, list(user_ids)
