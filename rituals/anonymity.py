"""Anonymity rules: minimum group sizes, withheld values, and keyed hashes for anonymous answers."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass

MINIMUM_THRESHOLD = 3
DEFAULT_NUMBERS = 3
DEFAULT_TEXTS = 5
GUARD_SECRET_BYTES = 32


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


# The duplicate guard's key lives only in the process, derived from a secret the adapter installs
# at start-up; the database never holds it, so a database reader cannot tell whose hash is whose.
_guard_secret: bytes | None = None


def install_guard_secret(secret: bytes | None) -> None:
    """Give this process the secret that keys the duplicate guards of anonymous answers."""
    global _guard_secret
    if secret is not None and len(secret) < GUARD_SECRET_BYTES:
        raise ValueError(f"the guard secret must be at least {GUARD_SECRET_BYTES} bytes")
    _guard_secret = secret


def answer_digest(*, occurrence_id: int, member_id: int) -> str:
    """Return the keyed hash marking a member as having answered an occurrence anonymously."""
    if _guard_secret is None:
        raise RuntimeError("no guard secret installed in this process (see bot.guard_secret)")
    label = f"anonymous-guard:{occurrence_id}".encode()
    occurrence_key = hmac.new(_guard_secret, label, hashlib.sha256).digest()
    return hmac.new(occurrence_key, str(member_id).encode(), hashlib.sha256).hexdigest()


def new_anonymous_key() -> str:
    """Return a random primary key for an anonymous answer (no order, no time)."""
    return secrets.token_hex(16)
