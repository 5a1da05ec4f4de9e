"""Migration 0007 widens slack_sdk's token columns so sealed tokens fit, and adds its tables."""

import pytest
from sqlalchemy import create_engine, inspect, text

from storage.migrate import upgrade
from tests.conftest import fresh_postgres_schema

pytest.importorskip("greenlet", reason="slack_sdk's SQLAlchemy installation store needs greenlet")


def test_existing_slack_tables_get_text_token_columns_on_postgresql():
    from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore

    for url in fresh_postgres_schema():
        upgrade(url, "0005_rollups")
        engine = create_engine(url)
        try:
            SQLAlchemyInstallationStore(client_id="1.2", engine=engine).create_tables()
            upgrade(url)
            columns = {
                table: {c["name"]: str(c["type"]) for c in inspect(engine).get_columns(table)}
                for table in ("slack_bots", "slack_installations")
            }
            assert columns["slack_bots"]["bot_token"] == "TEXT"
            assert columns["slack_installations"]["user_refresh_token"] == "TEXT"
            assert columns["slack_installations"]["team_id"] == "VARCHAR(32)"
            with engine.connect() as connection:
                connection.execute(text("SELECT team_id, retention_days FROM teamretention"))
                connection.execute(text("SELECT workspace_id, erase_after FROM workspaceerasure"))
        finally:
            engine.dispose()
