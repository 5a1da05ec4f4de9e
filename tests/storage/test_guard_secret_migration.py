"""Migration 0006 drops the stored guard keys, and the bytes they left in the database files."""

import secrets
from datetime import UTC, date, datetime

from sqlalchemy import create_engine, text

from storage.migrate import upgrade
from tests.conftest import fresh_postgres_schema

ROWS = """
INSERT INTO workspace (id, platform, external_id, name) VALUES (1, 'console', 'local', '');
INSERT INTO team (id, workspace_id, name, channel, timezone, working_days, threshold_numbers,
  threshold_texts, members_from_channel) VALUES (1, 1, 'T', 'room', 'UTC', 'mon', 3, 5, true);
INSERT INTO ritual (id, team_id, name, kind, schedule, mode, question, window_minutes, paused)
  VALUES (1, 1, 'f', 'anonymous_feedback', '0 10 * * mon', 'shared', '', 0, false);
"""


def old_round(connection, *, number: int, status: str) -> tuple[bytes, str]:  # type: ignore[no-untyped-def]
    """Insert a round as revision 0005 kept it: its hash key, a guard, then the key dropped at close."""
    key, digest = secrets.token_bytes(32), secrets.token_hex(32)
    when = datetime(2026, 11, number, 9, tzinfo=UTC)
    connection.execute(
        text(
            "INSERT INTO occurrence (id, ritual_id, scheduled_at, closes_at, iso_week, sequence,"
            " status, invited_count, pulse_items, message_ref, reminded, hash_key) VALUES"
            " (:id, 1, :when, :when, '2026-W45', :id, 'open', 0, '', '', false, :key)"
        ),
        {"id": number, "when": when, "key": key},
    )
    connection.execute(
        text("INSERT INTO anonymousguard (occurrence_id, digest) VALUES (:id, :digest)"),
        {"id": number, "digest": digest},
    )
    connection.execute(
        text(
            "INSERT INTO anonymousanswer (key, occurrence_id, kind, text, answered_on, released)"
            " VALUES (:key, :id, 'feedback', 'an old answer', :day, false)"
        ),
        {"key": secrets.token_hex(16), "id": number, "day": date(2026, 11, number)},
    )
    if status == "closed":  # what revision 0005 did at close: forget key and guards
        connection.execute(
            text("UPDATE occurrence SET status = 'closed', hash_key = NULL WHERE id = :id"),
            {"id": number},
        )
        connection.execute(
            text("DELETE FROM anonymousguard WHERE occurrence_id = :id"), {"id": number}
        )
    return key, digest


def upgraded_with_old_rounds(url: str) -> list[bytes]:
    """Migrate to 0005, keep a closed and an open round the old way, migrate on; return their secrets."""
    upgrade(url, "0005_rollups")
    engine = create_engine(url)
    with engine.begin() as connection:
        if url.startswith("sqlite"):
            connection.exec_driver_sql("PRAGMA journal_mode=WAL")  # as Haven's engine sets it
        for statement in ROWS.strip().split(";"):
            if statement.strip():
                connection.execute(text(statement))
        closed = old_round(connection, number=2, status="closed")
        still_open = old_round(connection, number=9, status="open")
    engine.dispose()
    upgrade(url)
    return [closed[0], closed[1].encode(), still_open[0], still_open[1].encode()]


def test_no_old_guard_key_or_digest_survives_in_the_sqlite_file(tmp_path):
    path = tmp_path / "old.db"
    old = upgraded_with_old_rounds(f"sqlite:///{path}")
    files = b"".join(p.read_bytes() for p in (path, path.with_name("old.db-wal")) if p.exists())
    assert [value for value in old if value in files] == []
    assert b"an old answer" in files


def test_no_old_guard_key_or_digest_survives_in_the_postgresql_files():
    for url in fresh_postgres_schema():
        old = upgraded_with_old_rounds(url)
        engine = create_engine(url)
        with engine.connect() as connection:
            connection.execute(text("CHECKPOINT"))
            paths = connection.execute(
                text(
                    "SELECT pg_relation_filepath(oid) FROM pg_class"
                    " WHERE relnamespace = to_regnamespace(current_schema())"
                )
            ).scalars()
            files = b"".join(
                bytes(
                    connection.execute(
                        text("SELECT pg_read_binary_file(:p)"), {"p": p}
                    ).scalar_one()
                )
                for p in paths
                if p
            )
        engine.dispose()
        assert [value for value in old if value in files] == []
        assert b"an old answer" in files
