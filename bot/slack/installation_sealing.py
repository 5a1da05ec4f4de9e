"""Slack installation secrets sealed at rest: tokens, refresh tokens and webhook URLs."""

import copy
from typing import TypeVar

from slack_sdk.oauth.installation_store import Bot, Installation

from storage.sealed_columns import BOT_SECRETS, INSTALLATION_SECRETS
from storage.secret_box import KeyRing, SecretKeyError, is_sealed

Record = TypeVar("Record", Bot, Installation)


def _secret_fields(record: Bot | Installation) -> tuple[str, ...]:
    return INSTALLATION_SECRETS if isinstance(record, Installation) else BOT_SECRETS


def seal_record(record: Record, *, ring: KeyRing | None) -> Record:
    """Return a copy of an installation or bot whose secrets are sealed (unchanged without a ring)."""
    if ring is None:
        return record
    sealed = copy.copy(record)
    for name in _secret_fields(record):
        value = getattr(record, name, None)
        if value and not is_sealed(value):
            setattr(sealed, name, ring.seal(value))
    return sealed


def open_record(record: Record | None, *, ring: KeyRing | None) -> Record | None:
    """Return a copy of a stored installation or bot with its secrets decrypted."""
    if record is None:
        return None
    opened = copy.copy(record)
    for name in _secret_fields(record):
        value = getattr(record, name, None)
        if value and is_sealed(value):
            if ring is None:
                raise SecretKeyError(
                    "stored Slack tokens are encrypted but HAVEN_SECRET_KEY is not set"
                )
            setattr(opened, name, ring.open(value))
    return opened
