"""Envelope encryption of secrets at rest under keys from HAVEN_SECRET_KEY, each with an id.

Each value gets its own data key (AES-256-GCM); the data key is wrapped by the current key of the
ring, whose id is stored beside it, so a new key can be added and old values re-sealed later.
"""

import base64
import binascii
import re
import secrets
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_BYTES = 32
NONCE_BYTES = 12
PREFIX = "hv1"
KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,16}$")


class SecretKeyError(ValueError):
    """A key ring that cannot be read, or a sealed value that its keys cannot open."""


def new_secret_key(*, key_id: str) -> str:
    """Return a new `id:key` entry for HAVEN_SECRET_KEY."""
    if not KEY_ID.match(key_id):
        raise SecretKeyError("a key id is 1–16 letters, digits, '-' or '_'")
    return f"{key_id}:{base64.urlsafe_b64encode(secrets.token_bytes(KEY_BYTES)).decode()}"


def _decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text.encode() + b"=" * (-len(text) % 4))


@dataclass(frozen=True)
class KeyRing:
    """The keys of HAVEN_SECRET_KEY by id; the first one seals, every one opens."""

    keys: dict[str, bytes]
    current_id: str

    @classmethod
    def parse(cls, setting: str) -> "KeyRing":
        """Read `id:base64key[,id:base64key…]`, the current key first; raise SecretKeyError."""
        keys: dict[str, bytes] = {}
        for entry in (part.strip() for part in setting.split(",")):
            key_id, _, encoded = entry.partition(":")
            if not KEY_ID.match(key_id) or not encoded:
                raise SecretKeyError(
                    "HAVEN_SECRET_KEY must be 'id:key' entries separated by commas "
                    "(make one with `haven secrets new-key`)"
                )
            try:
                key = _decode(encoded)
            except (binascii.Error, ValueError):
                raise SecretKeyError(f"HAVEN_SECRET_KEY key '{key_id}' is not base64") from None
            if len(key) != KEY_BYTES or len(set(key)) < 8:
                raise SecretKeyError(
                    f"HAVEN_SECRET_KEY key '{key_id}' is weak: it must be {KEY_BYTES} random bytes "
                    "(make one with `haven secrets new-key`)"
                )
            if key_id in keys:
                raise SecretKeyError(f"HAVEN_SECRET_KEY names key '{key_id}' twice")
            keys[key_id] = key
        return cls(keys=keys, current_id=next(iter(keys)))

    def seal(self, plain: str) -> str:
        """Encrypt a value under a fresh data key wrapped by the current key."""
        data_key = AESGCM.generate_key(bit_length=256)
        wrap_nonce, value_nonce = (secrets.token_bytes(NONCE_BYTES) for _ in range(2))
        wrapped = AESGCM(self.keys[self.current_id]).encrypt(
            wrap_nonce, data_key, self.current_id.encode()
        )
        sealed = AESGCM(data_key).encrypt(value_nonce, plain.encode(), PREFIX.encode())
        parts = (wrap_nonce + wrapped, value_nonce + sealed)
        encoded = (base64.urlsafe_b64encode(part).decode().rstrip("=") for part in parts)
        return ":".join((PREFIX, self.current_id, *encoded))

    def open(self, stored: str) -> str:
        """Decrypt a sealed value; raise SecretKeyError when no key of the ring opens it."""
        try:
            prefix, key_id, wrapped, sealed = stored.split(":")
        except ValueError:
            raise SecretKeyError("a stored secret is not in Haven's sealed format") from None
        if prefix != PREFIX:
            raise SecretKeyError("a stored secret is not in Haven's sealed format")
        if key_id not in self.keys:
            raise SecretKeyError(
                f"a stored secret was sealed with key '{key_id}', which HAVEN_SECRET_KEY does not "
                "hold: add that key after the current one"
            )
        try:
            wrap_raw, value_raw = _decode(wrapped), _decode(sealed)
            data_key = AESGCM(self.keys[key_id]).decrypt(
                wrap_raw[:NONCE_BYTES], wrap_raw[NONCE_BYTES:], key_id.encode()
            )
            plain = AESGCM(data_key).decrypt(
                value_raw[:NONCE_BYTES], value_raw[NONCE_BYTES:], PREFIX.encode()
            )
        except (InvalidTag, binascii.Error, ValueError):
            raise SecretKeyError(
                f"HAVEN_SECRET_KEY key '{key_id}' does not open a stored secret: wrong key?"
            ) from None
        return plain.decode()

    def needs_resealing(self, stored: str) -> bool:
        """Return whether a stored value is plaintext or sealed under an older key."""
        return not stored.startswith(f"{PREFIX}:{self.current_id}:")


def is_sealed(stored: str) -> bool:
    """Return whether a stored value is in the sealed format (not legacy plaintext)."""
    return stored.startswith(f"{PREFIX}:")
