"""Finding 1 of issue 11: a database reader cannot link an anonymous answer to its author."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import Session

from rituals.lifecycle import close_occurrence
from storage.db import get_engine
from storage.migrate import upgrade
from tests.conftest import TEST_GUARD_SECRET, member_ids
from tests.rituals.anonymous_attacks import (
    ANSWERERS,
    NOW,
    DatabaseDump,
    answer,
    members_linked_by_hash,
    open_feedback,
)


@pytest.fixture
def sqlite_file(tmp_path: Path) -> Iterator[tuple[Path, Session]]:
    """Return a migrated SQLite file and a session on it; the engine stays open like a server's."""
    path = tmp_path / "haven.db"
    url = f"sqlite:///{path}"
    upgrade(url)
    engine = get_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        yield path, session
    engine.dispose()
    get_engine.cache_clear()


async def test_no_key_in_the_database_recomputes_who_answered(session, notifiers):
    scope, occurrence = await open_feedback(session, notifiers)
    for user_id in ANSWERERS[:3]:
        answer(scope, occurrence, user_id)
    dump = DatabaseDump.of(session)
    ids = member_ids(session, scope.team)
    assert members_linked_by_hash(dump, member_ids=ids, occurrence_id=occurrence.id) == set()


def file_bytes(path: Path) -> bytes:
    """Return the bytes of a SQLite database with its WAL and rollback journal, as a disk copy has."""
    names = (path.name, path.name + "-wal", path.name + "-journal")
    return b"".join(path.with_name(n).read_bytes() for n in names if path.with_name(n).exists())


async def test_sqlite_rowids_follow_only_fresh_random_keys(sqlite_file, notifiers):
    path, session = sqlite_file
    scope, occurrence = await open_feedback(session, notifiers)
    seen: set[str] = set()
    for user_id in ANSWERERS:
        answer(scope, occurrence, user_id)
        rows = session.execute(text("SELECT key FROM anonymousanswer ORDER BY rowid")).all()
        session.rollback()
        keys = [key for (key,) in rows]
        # Insertion order (rowid) is the order of keys drawn at random at this answer, so pairing
        # the n-th guard with the n-th answer, as rowids allowed, pairs nothing.
        assert keys == sorted(keys)
        assert seen.isdisjoint(keys)  # every answer re-keys them all: no row keeps its age
        files = file_bytes(path)  # nor do the WAL or freed pages keep the earlier versions
        assert [key for key in seen if key.encode() in files] == []
        seen.update(keys)


async def test_sqlite_files_keep_no_guard_key_or_old_row_after_close(sqlite_file, notifiers):
    path, session = sqlite_file
    scope, occurrence = await open_feedback(session, notifiers)
    digests: set[str] = set()
    old_keys: set[str] = set()
    for user_id in ANSWERERS[:3]:
        answer(scope, occurrence, user_id)
        digests.update(session.execute(text("SELECT digest FROM anonymousguard")).scalars())
        old_keys.update(session.execute(text("SELECT key FROM anonymousanswer")).scalars())
        session.rollback()
    blobs = DatabaseDump.of(session).blobs  # the round's hash key, where the database keeps one
    await close_occurrence(
        session=session, notifiers=notifiers, occurrence_id=occurrence.id, now=NOW
    )
    files = file_bytes(path)
    assert digests and old_keys
    assert [d for d in digests if d.encode() in files] == []
    assert [k for k in old_keys if k.encode() in files] == []
    assert [b for b in blobs if len(b) >= 16 and b in files] == []
    assert TEST_GUARD_SECRET not in files
    assert b"the answer written by U1" in files  # the answers themselves are still there
