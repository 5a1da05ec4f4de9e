"""Anonymity rules: minimum group sizes, withheld values, and keyed hashes for anonymous answers."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass

MINIMUM_THRESHOLD = 3
DEFAULT_NUMBERS = 3
DEFAULT_TEXTS = 5


@dataclass(frozen=True)
class Thresholds:
    """The k for numbers and for texts: nothing from fewer people is shown."""

    numbers: int = DEFAULT_NUMBERS
    texts: int = DEFAULT_TEXTS

    def __post_init__(self) -> None:
        if min(self.numbers, self.texts) < MINIMUM_THRESHOLD:
            raise ValueError(f"anonymity threshold must be at least {MINIMUM_THRESHOLD}")


def withheld_reason(*, people: int, threshold: int, what: str) -> str | None:
    """Return why a value built from `people` must be withheld, or None when it may be shown."""
    if people >= threshold:
        return None
    return f"withheld: {what} from {people} of the needed {threshold} people"


def new_hash_key() -> bytes:
    """Return a fresh random key for one occurrence's duplicate guard."""
    return secrets.token_bytes(32)


def answer_digest(*, key: bytes, member_id: int) -> str:
    """Return the keyed hash marking a member as having answered; useless once the key is gone."""
    return hmac.new(key, str(member_id).encode(), hashlib.sha256).hexdigest()


def new_anonymous_key() -> str:
    """Return a random primary key for an anonymous answer (no order, no time)."""
    return secrets.token_hex(16)
