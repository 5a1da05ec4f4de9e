"""slack_sdk's installation tables, with secret columns wide enough for sealed values."""

import sqlalchemy
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore

from storage.sealed_columns import BOT_SECRETS, INSTALLATION_SECRETS


class WideSecretsInstallationStore(SQLAlchemyInstallationStore):
    """slack_sdk's SQLAlchemy store with secret columns wide enough for sealed values."""

    @classmethod
    def build_installations_table(
        cls, metadata: sqlalchemy.MetaData, table_name: str
    ) -> sqlalchemy.Table:
        """Build the installations table with TEXT secret columns."""
        table = super().build_installations_table(metadata=metadata, table_name=table_name)
        for name in INSTALLATION_SECRETS:
            table.c[name].type = sqlalchemy.Text()
        return table

    @classmethod
    def build_bots_table(cls, metadata: sqlalchemy.MetaData, table_name: str) -> sqlalchemy.Table:
        """Build the bots table with TEXT secret columns."""
        table = super().build_bots_table(metadata=metadata, table_name=table_name)
        for name in BOT_SECRETS:
            table.c[name].type = sqlalchemy.Text()
        return table
