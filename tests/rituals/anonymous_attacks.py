"""What an attacker holding the database (but not Haven's secrets) tries against anonymous answers."""

import contextlib
import hashlib
import hmac
from dataclasses import dataclass, field

from sqlalchemy import inspect, text
from sqlmodel import Session

from rituals import feedback
from rituals.context import RitualScope
from rituals.lifecycle import open_occurrence
from storage.models import Occurrence
from tests.conftest import MONDAY_10_BERLIN, make_ritual, make_team

NOW = MONDAY_10_BERLIN
ANSWERERS = ("U1", "U2", "U3", "U4")


async def open_feedback(session: Session, notifiers) -> tuple[RitualScope, Occurrence]:  # type: ignore[no-untyped-def]
    """Open an anonymous-feedback question for the console team of five and a leader."""
    team = make_team(session)
    ritual = make_ritual(session, team, "anonymous_feedback", question="What makes it hard?")
    occurrence = await open_occurrence(
        session=session,
        notifiers=notifiers,
        ritual_id=ritual.id,
        scheduled_at=MONDAY_10_BERLIN,
        now=NOW,
    )
    assert occurrence is not None
    return RitualScope.of_ritual(session=session, ritual_id=ritual.id), occurrence


def text_of(user_id: str) -> str:
    """Return the answer a test member gives, recognisable in the database files."""
    return f"the answer written by {user_id}"


@dataclass
class DatabaseDump:
    """Every text and bytes value of every row of every table, as a reader of the database sees it."""

    texts: set[str] = field(default_factory=set)
    blobs: set[bytes] = field(default_factory=set)

    @classmethod
    def of(cls, session: Session) -> "DatabaseDump":
        """Read every table the connected user can see."""
        dump = cls()
        for table in inspect(session.get_bind()).get_table_names():
            for row in session.execute(text(f'SELECT * FROM "{table}"')):
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        dump.blobs.add(bytes(value))
                    elif isinstance(value, str):
                        dump.texts.add(value)
        session.rollback()
        return dump

    def candidate_keys(self) -> set[bytes]:
        """Return every value that could be a hash key: bytes, texts, texts read as hex."""
        keys = set(self.blobs)
        for value in self.texts:
            keys.add(value.encode())
            with contextlib.suppress(ValueError):
                keys.add(bytes.fromhex(value))
        return keys


def members_linked_by_hash(
    dump: DatabaseDump, *, member_ids: dict[str, int], occurrence_id: int
) -> set[str]:
    """Return the members whose keyed hash the attacker recomputes from a key found in the database."""
    linked = set()
    for key in dump.candidate_keys():
        derived = hmac.new(key, f"anonymous-guard:{occurrence_id}".encode(), hashlib.sha256)
        for user_id, member_id in member_ids.items():
            for guard_key in (key, derived.digest()):
                digest = hmac.new(guard_key, str(member_id).encode(), hashlib.sha256).hexdigest()
                if digest in dump.texts:
                    linked.add(user_id)
    return linked


def answer(scope: RitualScope, occurrence: Occurrence, user_id: str) -> None:
    """Answer the question as a member."""
    feedback.record(scope=scope, occurrence=occurrence, user_id=user_id, text=text_of(user_id))
