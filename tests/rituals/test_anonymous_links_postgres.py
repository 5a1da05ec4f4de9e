"""Finding 1 of issue 11 on PostgreSQL: system columns and table files link no answer to its author."""

from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlmodel import Session

from rituals.lifecycle import close_occurrence
from storage import old_versions
from storage.db import normalize_url
from storage.migrate import upgrade
from storage.old_versions import erase_old_versions
from tests.conftest import TEST_GUARD_SECRET, fresh_postgres_schema
from tests.rituals.anonymous_attacks import ANSWERERS, NOW, DatabaseDump, answer, open_feedback

# Every relation of the test's schema, with the TOAST table and index of each, as files on disk.
RELATION_FILES = """
SELECT pg_relation_filepath(c.oid) FROM pg_class c
WHERE c.relnamespace = to_regnamespace(current_schema())
UNION SELECT pg_relation_filepath(c.reltoastrelid) FROM pg_class c
WHERE c.relnamespace = to_regnamespace(current_schema()) AND c.reltoastrelid <> 0
UNION SELECT pg_relation_filepath(i.indexrelid) FROM pg_class c JOIN pg_index i
ON i.indrelid = c.reltoastrelid WHERE c.relnamespace = to_regnamespace(current_schema())
"""


@pytest.fixture
def postgres_session() -> Iterator[Session]:
    """Return a session on a fresh, migrated PostgreSQL schema (skipped when PostgreSQL is absent)."""
    for url in fresh_postgres_schema():
        upgrade(url)
        engine = create_engine(normalize_url(url))
        with Session(engine, expire_on_commit=False) as session:
            yield session
        engine.dispose()


def ctid_order(ctid: str) -> tuple[int, int]:
    """Return a ctid such as '(0,3)' as a sortable pair."""
    page, item = ctid.strip("()").split(",")
    return int(page), int(item)


async def test_xmin_pairs_no_guard_with_its_answer(postgres_session, notifiers):
    session = postgres_session
    scope, occurrence = await open_feedback(session, notifiers)
    for user_id in ANSWERERS:
        answer(scope, occurrence, user_id)
        guards = session.execute(text("SELECT xmin::text FROM anonymousguard")).scalars().all()
        answers = session.execute(
            text("SELECT xmin::text, ctid::text, key FROM anonymousanswer")
        ).all()
        session.rollback()
        assert set(guards).isdisjoint(xmin for xmin, _, _ in answers)
        assert len({xmin for xmin, _, _ in answers}) == 1  # one transaction wrote every live row
        by_place = [key for _, ctid, key in sorted(answers, key=lambda row: ctid_order(row[1]))]
        assert by_place == sorted(by_place)  # physical order is the order of fresh random keys


async def test_table_files_keep_no_old_row_or_guard_after_close(postgres_session, notifiers):
    session = postgres_session
    scope, occurrence = await open_feedback(session, notifiers)
    digests: set[str] = set()
    old_keys: set[str] = set()
    for user_id in ANSWERERS:
        answer(scope, occurrence, user_id)
        digests.update(session.execute(text("SELECT digest FROM anonymousguard")).scalars())
        old_keys.update(session.execute(text("SELECT key FROM anonymousanswer")).scalars())
        session.rollback()
    blobs = DatabaseDump.of(session).blobs
    await close_occurrence(
        session=session, notifiers=notifiers, occurrence_id=occurrence.id, now=NOW
    )
    session.execute(text("CHECKPOINT"))  # flush shared buffers so the files show what is kept
    paths = session.execute(text(RELATION_FILES)).scalars().all()
    files = b"".join(
        bytes(session.execute(text("SELECT pg_read_binary_file(:p)"), {"p": p}).scalar_one())
        for p in paths
        if p
    )
    session.rollback()
    assert digests and old_keys
    assert [d for d in digests if d.encode() in files] == []
    assert [k for k in old_keys if k.encode() in files] == []
    assert [b for b in blobs if len(b) >= 16 and b in files] == []
    assert TEST_GUARD_SECRET not in files
    assert b"the answer written by U1" in files  # the answers themselves are still there


def test_busy_anonymous_tables_get_a_plain_vacuum_and_a_warning(
    postgres_session, monkeypatch, caplog
):
    monkeypatch.setattr(old_versions, "VACUUM_LOCK_TIMEOUT", "100ms")
    with postgres_session.get_bind().connect() as reader:
        reader.execute(text("SELECT count(*) FROM anonymousanswer"))  # holds its lock until done
        assert erase_old_versions(session=postgres_session, compact=True) is False
    assert "VACUUM without FULL" in caplog.text
    assert erase_old_versions(session=postgres_session, compact=True) is True


async def test_old_rows_an_older_snapshot_still_sees_are_retried_then_reported(
    postgres_session, notifiers, monkeypatch, caplog
):
    monkeypatch.setattr(old_versions, "VACUUM_ATTEMPTS", 2)
    monkeypatch.setattr(old_versions, "VACUUM_WAIT_SECONDS", 0)
    scope, occurrence = await open_feedback(postgres_session, notifiers)
    answer(scope, occurrence, "U1")
    postgres_session.commit()  # as the close does: no transaction of its own left open
    engine = postgres_session.get_bind()
    with engine.connect() as reader:
        reader.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))
        reader.execute(text("SELECT count(*) FROM workspace"))  # its snapshot sees the guard
        with engine.begin() as writer:
            writer.execute(text("DELETE FROM anonymousguard"))
        assert erase_old_versions(session=postgres_session, compact=True) is False
    assert "the next close removes them" in caplog.text
    monkeypatch.setattr(old_versions, "VACUUM_ATTEMPTS", 40)  # others' snapshots pass by too
    monkeypatch.setattr(old_versions, "VACUUM_WAIT_SECONDS", 0.25)
    assert erase_old_versions(session=postgres_session, compact=True) is True
