"""Only one process schedules per Haven database; separate schemas do not block each other."""

import pytest
from sqlalchemy import create_engine

from storage.leader_lock import LockHeld, release, try_acquire
from storage.migrate import upgrade
from tests.conftest import fresh_postgres_schema


@pytest.fixture
def two_schemas():
    """Return URLs of two fresh, migrated PostgreSQL schemas."""
    first, second = fresh_postgres_schema(), fresh_postgres_schema()
    urls = [next(first), next(second)]
    for url in urls:
        upgrade(url)
    yield urls
    for generator in (first, second):
        next(generator, None)


def test_a_second_process_waits_while_the_first_schedules(two_schemas):
    one, other = create_engine(two_schemas[0]), create_engine(two_schemas[0])
    held = try_acquire(one)
    assert held is not None
    with pytest.raises(LockHeld):
        try_acquire(other)
    release(held)
    again = try_acquire(other)
    assert again is not None
    release(again)


def test_installations_in_different_schemas_schedule_independently(two_schemas):
    first = try_acquire(create_engine(two_schemas[0]))
    second = try_acquire(create_engine(two_schemas[1]))
    assert first is not None and second is not None
    release(first)
    release(second)


def test_sqlite_needs_no_lock(tmp_path):
    assert try_acquire(create_engine(f"sqlite:///{tmp_path / 'x.db'}")) is None
