"""The secret that keys anonymous answers' duplicate guards: from HAVEN_SECRET_KEY, or a local file.

The guard's key must survive a restart (a second answer stays blocked) yet never sit in the
database. In production it is derived from HAVEN_SECRET_KEY, which every replica shares; in
development, without it, Haven generates one secret once and keeps it in a file readable only by
its owner, outside the database's folder.
"""

import base64
import hashlib
import hmac
import os
import secrets
from pathlib import Path

from bot.settings import Settings
from rituals.anonymity import GUARD_SECRET_BYTES, install_guard_secret

MINIMUM_SECRET_KEY_CHARACTERS = 32
SUB_KEY_LABEL = b"haven/anonymous-guard/v1"  # a sub-key: the secret's other uses need not agree


def secret_key_file() -> Path:
    """Return where a generated development secret is kept: ~/.config/haven/secret-key."""
    config_home = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config_home) / "haven" / "secret-key"


def guard_secret(settings: Settings) -> bytes:
    """Return the guard secret for these settings, generating the development file when needed."""
    secret_key = settings.secret_key.strip()
    if not secret_key:
        if settings.haven_env == "production":
            raise ValueError(
                "HAVEN_SECRET_KEY is required in production (every replica must share it); "
                "generate one with: python -c 'import secrets; print(secrets.token_urlsafe(32))'"
            )
        secret_key = _development_secret(secret_key_file(), database_url=settings.database_url)
    if len(secret_key) < MINIMUM_SECRET_KEY_CHARACTERS:
        raise ValueError(
            f"HAVEN_SECRET_KEY must be at least {MINIMUM_SECRET_KEY_CHARACTERS} characters"
        )
    return hmac.new(secret_key.encode(), SUB_KEY_LABEL, hashlib.sha256).digest()


def install_from_settings(settings: Settings) -> None:
    """Install the guard secret into the core of this process."""
    install_guard_secret(guard_secret(settings))


def _development_secret(path: Path, *, database_url: str) -> str:
    """Return the secret kept in path, creating it (mode 0600) on first use."""
    database_folder = _sqlite_folder(database_url)
    if database_folder is not None and database_folder == path.parent.resolve():
        raise ValueError(
            f"the generated secret {path} would sit beside the database; set HAVEN_SECRET_KEY"
        )
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fresh = base64.urlsafe_b64encode(secrets.token_bytes(GUARD_SECRET_BYTES)).decode()
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another Haven process created it first: use theirs
        else:
            with os.fdopen(descriptor, "w") as file:
                file.write(fresh + "\n")
    if path.stat().st_mode & 0o077:
        raise ValueError(f"{path} is readable by others; run: chmod 600 {path}")
    return path.read_text().strip()


def _sqlite_folder(database_url: str) -> Path | None:
    """Return the folder of a SQLite database file, or None for other databases."""
    if database_url and not database_url.startswith("sqlite"):
        return None
    file = database_url.split("///", 1)[-1] if database_url else "haven.db"
    return Path(file).resolve().parent if file and file != ":memory:" else None
