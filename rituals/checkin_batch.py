"""Check-ins under load: every click waiting when a write starts goes into one transaction.

A busy check-in brings many clicks at once. Recording each in its own transaction costs a few
queries and a commit per click on the event loop; the recorder instead takes all clicks that
arrived while the previous write ran, loads each occurrence's scope once, finds their members
and earlier answers with one query each, and commits once, in a worker thread. A lone click is
written at once, so nobody waits for a batch to fill.

`record` returns only once the click is committed, so a platform acknowledges nothing that a
crash could still lose. Each click is applied inside its own savepoint: one answer the database
refuses (a NUL byte, a lone surrogate) is refused on its own, never the batch. A shared-mode
thread reply is an outbox row of the click's own savepoint; what needs the network — a
newcomer's name (then given to the reply), sending the replies — follows the commit, off the
path of the next batch.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import bindparam
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlmodel import Session, col, select

from rituals import outbox
from rituals.checkin import (
    CheckinReceipt,
    apply_checkin,
    require_mood,
    show_in_thread,
    show_named_in_thread,
)
from rituals.checkin_click import (
    CheckinClick,
    Outcome,
    Recorded,
    Scopes,
    round_of,
    users_by_round,
)
from rituals.checkin_known import write_known_private
from rituals.context import RitualScope, require_open
from rituals.errors import HavenError, InvalidAnswer, NotFound
from rituals.metrics import ANSWERS_RECORDED, ANSWERS_REFUSED
from rituals.ports import NotifierRegistry
from rituals.texts import BROKEN_CHARACTER
from storage.models import Answer, Member, Occurrence, Ritual, Team, Workspace
from storage.teams import name_unnamed_members
from storage.write_transaction import begin_writing

log = logging.getLogger(__name__)
MAX_BATCH = 500
GROUP_WINDOW = 0.010  # under load, a batch starts at most this long after the one before it
WRITE_ATTEMPTS = 3  # a concurrent first answer from another process makes a batch retry


NameLookup = Callable[[CheckinClick], Awaitable[str]]  # the clicker's name, from the platform


class UnstorableText(InvalidAnswer):
    """An answer the database refused, although it passed every check of the core."""


def refusal(error: Exception) -> UnstorableText:
    """Return the line that tells a person why the database refused their answer."""
    detail = str(getattr(error, "orig", None) or error)
    if isinstance(error, UnicodeError) or "surrogate" in detail:
        what = BROKEN_CHARACTER
    elif "NUL" in detail or "0x00" in detail:
        what = "a NUL character"
    else:
        what = "something the database cannot store"
    return UnstorableText(
        f"Your check-in was not stored: the text contains {what}. Please type it again."
    )


class CheckinRecorder:
    """Records check-in clicks in batches, off the event loop, and answers each click on its own."""

    def __init__(
        self,
        *,
        engine: Engine,
        notifiers: NotifierRegistry,
        names: NameLookup | None = None,
        max_batch: int = MAX_BATCH,
        window: float = GROUP_WINDOW,
    ) -> None:
        self.engine = engine
        self.notifiers = notifiers
        self.names = names
        self.max_batch = max_batch
        self.window = window
        self._last_batch_at = float("-inf")  # the event loop's time the last batch started
        self._waiting: list[tuple[CheckinClick, asyncio.Future[Recorded]]] = []
        self._writer: asyncio.Task[None] | None = None
        self._follow_up: asyncio.Task[None] | None = None  # names and thread replies, in order
        self.batches_written = 0

    async def record(self, click: CheckinClick) -> CheckinReceipt:
        """Record one click and return once it is committed; raise HavenError when it cannot be."""
        future: asyncio.Future[Recorded] = asyncio.get_running_loop().create_future()
        self._waiting.append((click, future))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._drain())
        return (await future).receipt

    async def settled(self) -> None:
        """Wait until every stored click's name look-up and thread reply are done."""
        while self._writer is not None and not self._writer.done():
            await asyncio.wait([self._writer])
        if self._follow_up is not None:
            await asyncio.wait([self._follow_up])

    async def _drain(self) -> None:
        loop = asyncio.get_running_loop()
        while self._waiting:
            wait = self._last_batch_at + self.window - loop.time()
            if wait > 0 and len(self._waiting) < self.max_batch:  # busy: let the batch fill
                await asyncio.sleep(wait)
            self._last_batch_at = loop.time()
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
                    ANSWERS_REFUSED.labels(kind="checkin").inc()
                    future.set_exception(outcome)
                else:
                    ANSWERS_RECORDED.labels(kind="checkin").inc()
                    future.set_result(outcome)
            self._follow_up = asyncio.create_task(
                self._follow(clicks, outcomes, after=self._follow_up)
            )

    async def _follow(
        self,
        clicks: Sequence[CheckinClick],
        outcomes: Sequence[Outcome],
        *,
        after: "asyncio.Task[None] | None",
    ) -> None:
        """Name newcomers, then show shared answers, once the batch before has been followed."""
        if after is not None:
            await asyncio.wait([after])
        try:
            await self._name_newcomers(clicks, outcomes)
        except Exception:  # the answers are stored; only their names are missing
            log.exception("could not keep the names of newcomers")
        await self._show_shared(outcomes)

    async def _name_newcomers(
        self, clicks: Sequence[CheckinClick], outcomes: Sequence[Outcome]
    ) -> None:
        """Ask the platform for the names of members stored without one, and keep them."""
        if self.names is None:
            return
        unnamed = {
            outcome.unnamed_member_id: click
            for click, outcome in zip(clicks, outcomes, strict=True)
            if isinstance(outcome, Recorded) and outcome.unnamed_member_id is not None
        }
        if not unnamed:
            return
        looked_up = await asyncio.gather(
            *(self.names(click) for click in unnamed.values()), return_exceptions=True
        )
        found = {
            member_id: name
            for member_id, name in zip(unnamed, looked_up, strict=True)
            if isinstance(name, str) and name
        }
        if len(found) < len(unnamed):
            log.warning("could not look up %d newcomer name(s)", len(unnamed) - len(found))
        if found:
            await asyncio.to_thread(_keep_names, self.engine, found)

    async def _show_shared(self, outcomes: Sequence[Outcome]) -> None:
        """Hand the thread replies the batch queued to the outbox, once the names are known."""
        shared = [o for o in outcomes if isinstance(o, Recorded) and o.shared_answer_id]
        newcomers = [o.shared_answer_id or 0 for o in shared if o.unnamed_member_id is not None]
        if newcomers and self.names is not None:
            try:
                await asyncio.to_thread(
                    show_named_in_thread, engine=self.engine, answer_ids=newcomers
                )
            except Exception:  # their replies are queued; only the names are missing
                log.exception("could not name newcomers in their thread replies")
        if shared:
            with Session(self.engine) as session:
                await outbox.dispatch(session, self.notifiers)

    def _write(self, clicks: Sequence[CheckinClick]) -> list[Outcome]:
        """Apply every click in one transaction; retry the batch when a concurrent insert wins.

        When the database refuses the batch's rows as a whole, the transaction is undone and
        the batch written again with a savepoint per click, so that only the bad one is refused.
        """
        careful = False
        attempts = 0
        while True:
            with Session(self.engine, expire_on_commit=False) as session:
                try:
                    begin_writing(session)
                    outcomes = _apply_all(session, clicks, careful=careful)
                    session.commit()
                except _RowsRefused:
                    session.rollback()
                    careful = True
                    continue
                except IntegrityError:
                    session.rollback()
                    attempts += 1
                    if attempts == WRITE_ATTEMPTS:
                        raise
                    continue
                return outcomes


# Built once: building a statement costs more than running it on a batch of a few clicks.
SCOPES_OF_OCCURRENCES = (
    select(Occurrence, Ritual, Team, Workspace)
    .join(Ritual, col(Ritual.id) == Occurrence.ritual_id)
    .join(Team, col(Team.id) == Ritual.team_id)
    .join(Workspace, col(Workspace.id) == Team.workspace_id)
    .where(col(Occurrence.id).in_(bindparam("occurrence_ids", expanding=True)))
)
MEMBERS_WITH_ANSWERS = (
    select(Member, Answer)
    .outerjoin(
        Answer,
        (col(Answer.member_id) == Member.id)
        & (col(Answer.occurrence_id) == bindparam("occurrence_id"))
        & (col(Answer.item) == 0),
    )
    .where(
        col(Member.team_id) == bindparam("team_id"),
        col(Member.platform_user_id).in_(bindparam("user_ids", expanding=True)),
    )
)


def _open_scopes(session: Session, clicks: Sequence[CheckinClick]) -> Scopes:
    """Load every clicked occurrence with its scope in one query, or the error that refuses it."""
    wanted = list(dict.fromkeys(click.occurrence_id for click in clicks))
    rows = session.exec(SCOPES_OF_OCCURRENCES, params={"occurrence_ids": wanted}).all()
    found = {
        occurrence.id: (occurrence, ritual, team, workspace)
        for occurrence, ritual, team, workspace in rows
    }
    scopes: Scopes = {}
    for occurrence_id in wanted:
        if occurrence_id not in found:
            scopes[occurrence_id] = NotFound(f"no ritual occurrence with id {occurrence_id}")
            continue
        occurrence, ritual, team, workspace = found[occurrence_id]
        try:
            require_open(occurrence)
            if ritual.kind != "checkin":
                raise NotFound("That button does not belong to a check-in.")
        except HavenError as error:
            scopes[occurrence_id] = error
            continue
        scope = RitualScope(session=session, ritual=ritual, team=team, workspace=workspace)
        scopes[occurrence_id] = (scope, occurrence)
    return scopes


@dataclass
class _Batch:
    """What one batch loaded: scopes, members by (occurrence, user id), answers by (occurrence, member)."""

    scopes: Scopes
    members: dict[tuple[int, str], Member]
    answers: dict[tuple[int, int], Answer]


def _load(session: Session, clicks: Sequence[CheckinClick], scopes: Scopes) -> _Batch:
    """Load each open round's clicking members with their earlier answers, one query each."""
    batch = _Batch(scopes=scopes, members={}, answers={})
    for occurrence_id, (scope, _occurrence), user_ids in users_by_round(clicks, scopes):
        found = session.exec(
            MEMBERS_WITH_ANSWERS,
            params={"occurrence_id": occurrence_id, "team_id": scope.team.id, "user_ids": user_ids},
        ).all()
        for member, answer in found:
            assert member.id is not None
            batch.members[(occurrence_id, member.platform_user_id)] = member
            if answer is not None:
                batch.answers[(occurrence_id, member.id)] = answer
    return batch


def _keep_names(engine: Engine, names: dict[int, str]) -> None:
    """Give members stored without a name the names the platform told."""
    with Session(engine) as session:
        name_unnamed_members(session=session, names=names)
        session.commit()


class _Fallback(Exception):
    """The batch cannot be applied in one piece: apply each click in a savepoint of its own."""


class _RowsRefused(Exception):
    """The database refused a batch written as plain rows: write it again, click by click."""


def _apply_all(
    session: Session, clicks: Sequence[CheckinClick], *, careful: bool = False
) -> list[Outcome]:
    """Apply clicks in arrival order and return each click's outcome.

    The whole batch is applied at once: as plain rows when every click is a known member's
    private check-in (rituals/checkin_known.py), else through the ORM in one savepoint. Only
    when that fails (an answer the database or the core refuses part-way) is every click
    applied again in a savepoint of its own, so that the refused one is refused alone.
    """
    scopes = _open_scopes(session, clicks)
    if not careful:
        try:
            outcomes = write_known_private(session, clicks, scopes)
        except IntegrityError:
            raise  # a concurrent first answer from another process: the batch is retried
        except (DBAPIError, UnicodeError, ValueError) as error:
            raise _RowsRefused() from error  # no savepoint to undo: the transaction is undone
        if outcomes is not None:
            return outcomes
        try:
            with session.begin_nested():
                return _apply_through_orm(session, clicks, scopes)
        except IntegrityError:
            raise
        except (_Fallback, DBAPIError, UnicodeError, ValueError):
            pass  # what the undone savepoint changed is read again below
    batch = _load(session, clicks, scopes)
    return [_apply_in_savepoint(session, click, batch) for click in clicks]


def _apply_through_orm(
    session: Session, clicks: Sequence[CheckinClick], scopes: Scopes
) -> list[Outcome]:
    """Apply every click as ORM objects and flush; raise _Fallback when one fails part-way."""
    batch = _load(session, clicks, scopes)
    applied = _apply_together(session, clicks, batch)
    session.flush()  # new answers get their ids here
    return [
        outcome if isinstance(outcome, HavenError) else _recorded(click, outcome, batch)
        for click, outcome in zip(clicks, applied, strict=True)
    ]


Applied = tuple[Answer, CheckinReceipt, bool]


def _apply_together(
    session: Session, clicks: Sequence[CheckinClick], batch: "_Batch"
) -> list[Applied | HavenError]:
    """Apply every click without a savepoint each; raise _Fallback when one fails part-way."""
    applied: list[Applied | HavenError] = []
    for click in clicks:
        try:
            applied.append(_apply_one(session, click, batch))
        except HavenError as error:  # refused after something changed: undo it click by click
            raise _Fallback() from error
    return applied


def _recorded(click: CheckinClick, applied: "Applied", batch: "_Batch") -> Recorded:
    """Return what writing one click produced."""
    answer, receipt, shared = applied
    member = batch.members[(click.occurrence_id, click.user_id)]
    return Recorded(
        receipt=receipt,
        shared_answer_id=answer.id if shared else None,
        unnamed_member_id=None if member.display_name else member.id,
    )


def _apply_in_savepoint(session: Session, click: CheckinClick, batch: "_Batch") -> Outcome:
    """Apply one click so that a failure undoes this click alone."""
    known = dict(batch.members), dict(batch.answers)
    try:
        with session.begin_nested():
            applied = _apply_one(session, click, batch)
            if isinstance(applied, HavenError):
                return applied
            session.flush()  # the database refuses a bad answer here, inside its savepoint
    except IntegrityError:
        raise  # a concurrent first answer from another process: the batch is retried
    except HavenError as error:  # refused by the core's own rules, e.g. a text over the limit
        batch.members, batch.answers = known
        return error
    except (DBAPIError, UnicodeError, ValueError) as error:
        batch.members, batch.answers = known  # forget what the undone savepoint added
        log.warning("refused a check-in the database could not store: %s", type(error).__name__)
        return refusal(error)
    return _recorded(click, applied, batch)


def _apply_one(
    session: Session, click: CheckinClick, batch: _Batch
) -> tuple[Answer, CheckinReceipt, bool] | HavenError:
    """Apply one click against what the batch loaded: the answer, the receipt, whether shared."""
    opened = round_of(click, batch.scopes)
    if isinstance(opened, HavenError):
        return opened
    scope, occurrence = opened
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
    shared = scope.ritual.mode == "shared"
    if shared:  # its thread reply is a row of this transaction
        name = member.display_name or "Someone"
        show_in_thread(
            session=session, scope=scope, occurrence=occurrence, answer=answer, name=name
        )
    return answer, receipt, shared
