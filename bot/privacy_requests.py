"""Privacy requests from any surface (CLI, Slack, Teams): one person's export or erasure."""

import asyncio
from typing import Any

from sqlalchemy.engine import Engine

from rituals.clock import utcnow
from rituals.errors import NotFound
from rituals.privacy.erasure import ErasureReport, forget_person
from rituals.privacy.export import export_person
from rituals.privacy.person import find_person
from rituals.privacy.policy import PrivacyPolicy
from rituals.privacy.retention import retention_of_person
from storage.db import flush_erased_pages, session_scope
from storage.person_rows import PersonRows


def export_document(
    *,
    engine: Engine,
    policy: PrivacyPolicy,
    user_id: str | None,
    team: str | None = None,
    name: str | None = None,
) -> dict[str, Any]:
    """Return everything Haven holds about one person."""
    with session_scope(engine) as session:
        rows = find_person(session=session, user_id=user_id, team=team, name=name)
        days = retention_of_person(session=session, user_id=rows.user_id)
        return export_person(rows=rows, now=utcnow(), retention_days=days, policy=policy)


def erase_person(
    *,
    engine: Engine,
    relay_key: bytes | None,
    user_id: str | None,
    team: str | None = None,
    name: str | None = None,
    dry_run: bool,
) -> ErasureReport:
    """Erase one person (a person Haven holds nothing about gives an empty report)."""
    with session_scope(engine) as session:
        try:
            rows = find_person(session=session, user_id=user_id, team=team, name=name)
        except NotFound:
            if user_id is None:
                raise
            rows = PersonRows(user_id=user_id)
        if not any(rows.counts().values()):
            return ErasureReport(
                user_id=rows.user_id, removed=rows.counts(), relay_seals=0, dry_run=dry_run
            )
        report = forget_person(
            session=session,
            rows=rows,
            relay_key=relay_key,
            dry_run=dry_run,
        )
    if not dry_run:
        flush_erased_pages(engine)
    return report


NOTHING_HELD = "Haven holds nothing about you."


async def own_export(
    *, engine: Engine, policy: PrivacyPolicy, user_id: str
) -> dict[str, Any] | None:
    """Return everything held about the person who asked (None: nothing), off the event loop."""
    try:
        return await asyncio.to_thread(
            export_document, engine=engine, policy=policy, user_id=user_id
        )
    except NotFound:
        return None


async def own_erasure(
    *, engine: Engine, relay_key: bytes | None, user_id: str, dry_run: bool
) -> ErasureReport:
    """Erase the person who asked (or say what would go), off the event loop."""
    return await asyncio.to_thread(
        erase_person, engine=engine, relay_key=relay_key, user_id=user_id, dry_run=dry_run
    )
