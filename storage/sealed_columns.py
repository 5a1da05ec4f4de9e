"""Every stored secret, by table and column, and re-sealing them under the current key."""

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

from storage.db import flush_erased_pages
from storage.secret_box import KeyRing, is_sealed

BOT_SECRETS = ("bot_token", "bot_refresh_token")
INSTALLATION_SECRETS = (*BOT_SECRETS, "user_token", "user_refresh_token", "incoming_webhook_url")
SEALED_COLUMNS = {"slack_installations": INSTALLATION_SECRETS, "slack_bots": BOT_SECRETS}


def _stored_secrets(engine: Engine) -> list[tuple[str, str, int, str]]:
    """Return (table, column, row id, stored value) of every non-empty secret."""
    present = set(inspect(engine).get_table_names())
    found = []
    with engine.connect() as connection:
        for table, columns in SEALED_COLUMNS.items():
            if table not in present:
                continue
            for column in columns:
                rows = connection.execute(
                    text(f"SELECT id, {column} FROM {table} WHERE {column} IS NOT NULL")
                )
                found.extend((table, column, row_id, value) for row_id, value in rows if value)
    return found


def reseal_all(*, engine: Engine, ring: KeyRing) -> int:
    """Seal every plaintext secret and re-seal those under older keys; return how many changed."""
    # Every value is opened before anything is written: a wrong key changes nothing.
    opened = [
        (table, column, row_id, value, ring.open(value) if is_sealed(value) else value)
        for table, column, row_id, value in _stored_secrets(engine)
    ]
    resealed = [
        (table, column, row_id, ring.seal(plain))
        for table, column, row_id, value, plain in opened
        if ring.needs_resealing(value)
    ]
    with engine.begin() as connection:
        for table, column, row_id, value in resealed:
            connection.execute(
                text(f"UPDATE {table} SET {column} = :value WHERE id = :id"),
                {"value": value, "id": row_id},
            )
    flush_erased_pages(engine)
    return len(resealed)


def unreadable_secrets(*, engine: Engine, ring: KeyRing | None) -> list[str]:
    """Return one line per stored secret that is plaintext or that the ring cannot open."""
    problems = []
    for table, column, row_id, value in _stored_secrets(engine):
        if not is_sealed(value):
            problems.append(f"{table}.{column} row {row_id} is stored unencrypted")
            continue
        try:
            if ring is None:
                raise ValueError("HAVEN_SECRET_KEY is not set")
            ring.open(value)
        except ValueError as error:
            problems.append(f"{table}.{column} row {row_id}: {error}")
    return problems
