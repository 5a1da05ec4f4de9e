"""`haven teams-package`: the Teams app package (manifest.json and two icons) for upload."""

import json
import re
import zipfile
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from bot.teams.forms import COMMANDS
from bot.teams.icons import ACCENT, color_icon, outline_icon
from bot.teams.privacy_tab import TAB_PATH
from rituals.errors import HavenError

MANIFEST_VERSION = "1.29"
GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
# Resource-specific consent: read channel replies without a mention (failure threads) and
# receive meeting start events in channels and meeting chats.
RSC_PERMISSIONS = (
    "ChannelMessage.Read.Group",
    "ChannelMeeting.ReadBasic.Group",
    "OnlineMeeting.ReadBasic.Chat",
)
CHANNEL_COMMANDS = ("help", "setup", "rituals", "leaders", "status")
PERSONAL_COMMANDS = ("help", "privacy")


def app_version() -> str:
    """Return Haven's version as Teams wants it (three numbers)."""
    try:
        found = version("haven-bot")
    except PackageNotFoundError:
        found = "0.1.0"
    numbers = re.findall(r"\d+", found)[:3]
    return ".".join([*numbers, "0", "0", "0"][:3])


def _commands(names: tuple[str, ...]) -> list[dict[str, str]]:
    described = dict(COMMANDS)
    return [{"title": name, "description": described[name][:4000]} for name in names]


def privacy_tab(haven_url: str) -> dict[str, Any]:
    """Return the "Your data" personal tab, served by Haven at haven_url."""
    base = haven_url.rstrip("/")
    return {
        "entityId": "haven-your-data",
        "name": "Your data",
        "contentUrl": f"{base}{TAB_PATH}",
        "websiteUrl": f"{base}{TAB_PATH}",
        "scopes": ["personal"],
    }


def manifest(
    *,
    bot_id: str,
    app_id: str,
    website_url: str,
    privacy_url: str,
    terms_url: str,
    haven_url: str | None = None,
) -> dict[str, Any]:
    """Return Haven's Teams app manifest (schema 1.29); with haven_url, the "Your data" tab."""
    for label, value in (("MICROSOFT_APP_ID", bot_id), ("--app-id", app_id)):
        if not GUID.match(value or ""):
            raise HavenError(
                f"{label} must be the Azure Bot's app id, a GUID like 00000000-0000-0000-0000-000000000000"
            )
    for label, url in (
        ("--website-url", website_url),
        ("--privacy-url", privacy_url),
        ("--terms-url", terms_url),
        *([("--haven-url", haven_url)] if haven_url is not None else []),
    ):
        if not url.lower().startswith("https://"):
            raise HavenError(f"{label} must be an https:// address, not '{url}'")
    tabs = {"staticTabs": [privacy_tab(haven_url)]} if haven_url else {}
    domains = [re.sub(r"^https://([^/:]+).*$", r"\1", haven_url)] if haven_url else []
    return {
        "$schema": f"https://developer.microsoft.com/en-us/json-schemas/teams/v{MANIFEST_VERSION}/MicrosoftTeams.schema.json",
        "manifestVersion": MANIFEST_VERSION,
        "version": app_version(),
        "id": app_id,
        "developer": {
            "name": "Haven",
            "websiteUrl": website_url,
            "privacyUrl": privacy_url,
            "termsOfUseUrl": terms_url,
        },
        "name": {"short": "Haven", "full": "Haven — psychological-safety rituals"},
        "description": {
            "short": "Check-ins, failure celebrations, anonymous feedback and a safety pulse.",
            "full": (
                "Haven runs short weekly rituals that build psychological safety: a meeting check-in, "
                "a failure celebration thread, anonymous feedback released only in groups of at least k, "
                "and Edmondson's safety pulse. Leaders get a weekly digest in aggregate, never per person."
            ),
        },
        "icons": {"color": "color.png", "outline": "outline.png"},
        "accentColor": "#{:02X}{:02X}{:02X}".format(*ACCENT),
        "bots": [
            {
                "botId": bot_id,
                "scopes": ["personal", "team", "groupChat"],
                "isNotificationOnly": False,
                "supportsFiles": False,
                "commandLists": [
                    {"scopes": ["team", "groupChat"], "commands": _commands(CHANNEL_COMMANDS)},
                    {"scopes": ["personal"], "commands": _commands(PERSONAL_COMMANDS)},
                ],
            }
        ],
        **tabs,
        "permissions": ["identity", "messageTeamMembers"],
        "validDomains": domains,
        "webApplicationInfo": {"id": bot_id, "resource": "https://RscPermission"},
        "authorization": {
            "permissions": {
                "resourceSpecific": [
                    {"name": name, "type": "Application"} for name in RSC_PERMISSIONS
                ]
            }
        },
    }


def write_package(
    *,
    output: Path,
    bot_id: str,
    website_url: str,
    app_id: str | None = None,
    privacy_url: str | None = None,
    terms_url: str | None = None,
    haven_url: str | None = None,
) -> Path:
    """Write the zip Teams uploads: manifest.json, color.png (192×192) and outline.png (32×32)."""
    base = website_url.rstrip("/")
    content = manifest(
        bot_id=bot_id,
        app_id=app_id or bot_id,
        website_url=website_url,
        privacy_url=privacy_url or f"{base}/privacy",
        terms_url=terms_url or f"{base}/terms",
        haven_url=haven_url,
    )
    output.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(content, indent=2, ensure_ascii=False))
        archive.writestr("color.png", color_icon(192))
        archive.writestr("outline.png", outline_icon(32))
    return output
