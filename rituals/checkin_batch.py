"""Check-ins under load: every click waiting when a write starts goes into one transaction.

A busy check-in brings many clicks at once. Recording each in its own transaction costs a few
queries and a commit per click on the event loop; the recorder instead takes all clicks that
arrived while the previous write ran, loads each occurrence's scope once, finds their members
and earlier answers with one query each, and commits once, in a worker thread. A lone click is
written at once, so nobody waits for a batch to fill.
"""

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from rituals.checkin import CheckinReceipt, apply_checkin, require_mood, show_in_thread
from rituals.context import RitualScope, require_open
from rituals.errors import HavenError, NotFound
from rituals.ports import NotifierRegistry
from storage.models import Answer, Member, Occurrence

log = logging.getLogger(__name__)
MAX_BATCH = 500
WRITE_ATTEMPTS = 3  # a concurrent first answer from another process makes a batch retry


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


Outcome = Recorded | HavenError


class CheckinRecorder:
    """Records check-in clicks in batches, off the event loop, and answers each click on its own."""

    def __init__(
        self, *, engine: Engine, notifiers: NotifierRegistry, max_batch: int = MAX_BATCH
    ) -> None:
        self.engine = engine
        self.notifiers = notifiers
        self.max_batch = max_batch
        self._waiting: list[tuple[CheckinClick, asyncio.Future[Recorded]]] = []
        self._writer: asyncio.Task[None] | None = None
        self.batches_written = 0

    async def record(self, click: CheckinClick) -> CheckinReceipt:
        """Record one click; raise HavenError with a line for the member when it cannot be."""
        future: asyncio.Future[Recorded] = asyncio.get_running_loop().create_future()
        self._waiting.append((click, future))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._drain())
        return (await future).receipt

    async def _drain(self) -> None:
        while self._waiting:
            batch = self._waiting[: self.max_batch]
            del self._waiting[: self.max_batch]
            clicks = [click for click, _ in batch]
            try:
                outcomes = await asyncio.to_thread(self._write, clicks)
            except Exception as error:  # the database failed: every click of the batch hears it
                log.exception("could not record a batch of %d check-ins", len(batch))
                for _, future in batch:
                    if not future.done():
                        future.set_exception(error)
                continue
            self.batches_written += 1
            for (_, future), outcome in zip(batch, outcomes, strict=True):
                if future.done():
                    continue
                if isinstance(outcome, HavenError):
                    future.set_exception(outcome)
                else:
                    future.set_result(outcome)
            await self._show_shared(outcomes)

    async def _show_shared(self, outcomes: Sequence[Outcome]) -> None:
        """Post or update shared-mode thread replies, in click order, after the batch is stored."""
        for outcome in outcomes:
            if isinstance(outcome, Recorded) and outcome.shared_answer_id is not None:
                try:
                    await show_in_thread(
                        engine=self.engine,
                        notifiers=self.notifiers,
                        answer_id=outcome.shared_answer_id,
                    )
                except Exception:  # the answer is stored; only the thread reply is missing
                    log.exception("could not show a shared check-in in its thread")

    def _write(self, clicks: Sequence[CheckinClick]) -> list[Outcome]:
        """Apply every click in one transaction; retry the batch when a concurrent insert wins."""
        for attempt in range(WRITE_ATTEMPTS):
            with Session(self.engine, expire_on_commit=False) as session:
                try:
                    outcomes = _apply_all(session, clicks)
                    session.commit()
                except IntegrityError:
                    session.rollback()
                    if attempt + 1 == WRITE_ATTEMPTS:
                        raise
                    continue
                return outcomes
        raise AssertionError("unreachable")


Opened = tuple[RitualScope, Occurrence]


def _open_scopes(
    session: Session, clicks: Sequence[CheckinClick]
) -> dict[int, Opened | HavenError]:
    """Load each open check-in's scope once, or the error that refuses its clicks."""
    scopes: dict[int, Opened | HavenError] = {}
    for occurrence_id in dict.fromkeys(click.occurrence_id for click in clicks):
        try:
            scope, occurrence = RitualScope.of_occurrence(
                session=session, occurrence_id=occurrence_id
            )
            require_open(occurrence)
            if scope.ritual.kind != "checkin":
                raise NotFound("That button does not belong to a check-in.")
            scopes[occurrence_id] = (scope, occurrence)
        except HavenError as error:
            scopes[occurrence_id] = error
    return scopes


@dataclass
class _Batch:
    """What one batch loaded: scopes, members by (occurrence, user id), answers by (occurrence, member)."""

    scopes: dict[int, Opened | HavenError]
    members: dict[tuple[int, str], Member]
    answers: dict[tuple[int, int], Answer]


def _load(session: Session, clicks: Sequence[CheckinClick]) -> _Batch:
    """Load scopes, then members and earlier answers with one query each per occurrence."""
    batch = _Batch(scopes=_open_scopes(session, clicks), members={}, answers={})
    for occurrence_id, opened in batch.scopes.items():
        if isinstance(opened, HavenError):
            continue
        team = opened[0].team
        user_ids = {click.user_id for click in clicks if click.occurrence_id == occurrence_id}
        found = session.exec(
            select(Member).where(
                Member.team_id == team.id, col(Member.platform_user_id).in_(user_ids)
            )
        ).all()
        batch.members.update({(occurrence_id, m.platform_user_id): m for m in found})
        earlier = session.exec(
            select(Answer).where(
                Answer.occurrence_id == occurrence_id,
                Answer.item == 0,
                col(Answer.member_id).in_([m.id for m in found]),
            )
        ).all()
        batch.answers.update({(occurrence_id, a.member_id): a for a in earlier})
    return batch


def _apply_all(session: Session, clicks: Sequence[CheckinClick]) -> list[Outcome]:
    """Apply clicks in arrival order, flush once, and return each click's outcome."""
    batch = _load(session, clicks)
    applied = [_apply_one(session, click, batch) for click in clicks]
    session.flush()  # one round of inserts and updates; new answers get their ids
    return [
        outcome
        if isinstance(outcome, HavenError)
        else Recorded(receipt=outcome[1], shared_answer_id=outcome[0].id if outcome[2] else None)
        for outcome in applied
    ]


def _apply_one(
    session: Session, click: CheckinClick, batch: _Batch
) -> tuple[Answer, CheckinReceipt, bool] | HavenError:
    """Apply one click against what the batch loaded: the answer, the receipt, whether shared."""
    opened = batch.scopes[click.occurrence_id]
    if isinstance(opened, HavenError):
        return opened
    scope, occurrence = opened
    workspace = scope.workspace
    if workspace.platform != click.platform or workspace.external_id != click.workspace:
        return NotFound("That ritual is not part of this workspace.")
    try:
        require_mood(click.mood)
        member = scope.admit(
            batch.members.get((click.occurrence_id, click.user_id)),
            user_id=click.user_id,
            display_name=click.display_name,
        )
    except HavenError as error:  # refused before anything changed
        return error
    batch.members[(click.occurrence_id, click.user_id)] = member
    assert member.id is not None
    answer, changed = apply_checkin(
        session=session,
        occurrence=occurrence,
        member=member,
        existing=batch.answers.get((click.occurrence_id, member.id)),
        mood=click.mood,
        text=click.text,
    )
    batch.answers[(click.occurrence_id, member.id)] = answer
    receipt = CheckinReceipt(
        mood=click.mood, text=answer.text, changed=changed, mode=scope.ritual.mode
    )
    return answer, receipt, scope.ritual.mode == "shared" and bool(occurrence.message_ref)
