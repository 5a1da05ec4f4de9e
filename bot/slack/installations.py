"""Installations of the multi-workspace app, kept by slack_sdk's SQLAlchemy stores in Haven's database."""

import asyncio
from collections.abc import Callable
from logging import Logger
from typing import TYPE_CHECKING, Any

from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore
from sqlalchemy.engine import Engine

from bot.slack.installation_sealing import open_record, seal_record
from storage.secret_box import KeyRing

if TYPE_CHECKING:  # importing them pulls in sqlalchemy.ext.asyncio, which needs greenlet
    from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
    from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

STATE_EXPIRATION_SECONDS = 600


class ThreadedInstallationStore(AsyncInstallationStore):
    """Run the synchronous SQLAlchemy store in a worker thread; seal secrets with the key ring."""

    def __init__(
        self,
        store: "SQLAlchemyInstallationStore",
        ring: KeyRing | None = None,
        on_install: Callable[[str], None] | None = None,
    ) -> None:
        self.store = store
        self.ring = ring
        self.on_install = on_install  # told the workspace id of each new installation

    @property
    def logger(self) -> Logger:
        """Return the store's logger."""
        return self.store.logger

    async def async_save(self, installation: Installation) -> None:
        """Save an installation and its bot."""
        await asyncio.to_thread(self.store.save, seal_record(installation, ring=self.ring))
        if self.on_install is not None and installation.team_id:
            await asyncio.to_thread(self.on_install, installation.team_id)

    async def async_save_bot(self, bot: Bot) -> None:
        """Save a bot installation."""
        await asyncio.to_thread(self.store.save_bot, seal_record(bot, ring=self.ring))

    async def async_find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        """Return the latest bot installation of a workspace."""
        bot = await asyncio.to_thread(
            self.store.find_bot,
            enterprise_id=enterprise_id,
            team_id=team_id,
            is_enterprise_install=is_enterprise_install,
        )
        return open_record(bot, ring=self.ring)

    async def async_find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        """Return the latest installation of a workspace (or of one installing user)."""
        installation = await asyncio.to_thread(
            self.store.find_installation,
            enterprise_id=enterprise_id,
            team_id=team_id,
            user_id=user_id,
            is_enterprise_install=is_enterprise_install,
        )
        return open_record(installation, ring=self.ring)

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        """Delete a workspace's bot installations."""
        await asyncio.to_thread(self.store.delete_bot, enterprise_id=enterprise_id, team_id=team_id)

    async def async_delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        """Delete a workspace's installations (or one user's)."""
        await asyncio.to_thread(
            self.store.delete_installation,
            enterprise_id=enterprise_id,
            team_id=team_id,
            user_id=user_id,
        )


class ThreadedStateStore(AsyncOAuthStateStore):
    """Run the synchronous SQLAlchemy OAuth state store in a worker thread."""

    def __init__(self, store: "SQLAlchemyOAuthStateStore") -> None:
        self.store = store

    @property
    def logger(self) -> Logger:
        """Return the store's logger."""
        return self.store.logger

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        """Issue a new state value for an install link."""
        return await asyncio.to_thread(self.store.issue, *args, **kwargs)

    async def async_consume(self, state: str) -> bool:
        """Consume a state value once; False when unknown or expired."""
        return await asyncio.to_thread(self.store.consume, state)


def installation_stores(
    *,
    engine: Engine,
    client_id: str,
    ring: KeyRing | None = None,
    on_install: Callable[[str], None] | None = None,
) -> tuple[ThreadedInstallationStore, ThreadedStateStore]:
    """Create the installation and OAuth state tables if needed and return both stores."""
    from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

    from bot.slack.installation_tables import WideSecretsInstallationStore

    installations = WideSecretsInstallationStore(client_id=client_id, engine=engine)
    states = SQLAlchemyOAuthStateStore(expiration_seconds=STATE_EXPIRATION_SECONDS, engine=engine)
    installations.create_tables()
    states.create_tables()
    return ThreadedInstallationStore(installations, ring, on_install), ThreadedStateStore(states)
