"""`haven teams-package`: a zip with a manifest valid against the 1.29 schema and the two icons."""

import json
import struct
import zipfile

import jsonschema
import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.settings import load_settings
from bot.teams.package import write_package
from rituals.errors import HavenError
from tests.specs import spec_schema

BOT_ID = "6f1d2a4e-1b1e-4c5a-9d77-2f8f0c1a9b01"


def png_size(data: bytes) -> tuple[int, int]:
    """Return (width, height) from a PNG's IHDR chunk."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_the_manifest_is_valid_against_the_teams_schema(tmp_path):
    schema = spec_schema("teams-app-manifest.schema.json")
    path = write_package(
        output=tmp_path / "haven.zip", bot_id=BOT_ID, website_url="https://haven.example.org"
    )
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("manifest.json"))

    # The schema's \\p{L} patterns are not Python regexes, so the schema itself is not re-checked;
    # draft-04 has no "const", so the manifest version is asserted on its own.
    validator = jsonschema.Draft4Validator(schema)
    assert [error.message for error in validator.iter_errors(manifest)] == []


def test_the_package_holds_a_valid_manifest_and_both_icons(tmp_path):
    path = write_package(
        output=tmp_path / "haven.zip", bot_id=BOT_ID, website_url="https://haven.example.org"
    )

    with zipfile.ZipFile(path) as archive:
        assert sorted(archive.namelist()) == ["color.png", "manifest.json", "outline.png"]
        manifest = json.loads(archive.read("manifest.json"))
        color, outline = archive.read("color.png"), archive.read("outline.png")

    assert manifest["manifestVersion"] == "1.29"
    [bot] = manifest["bots"]
    assert bot["botId"] == BOT_ID and manifest["id"] == BOT_ID
    assert sorted(bot["scopes"]) == ["groupChat", "personal", "team"]
    assert [c["title"] for c in bot["commandLists"][0]["commands"]] == [
        "help",
        "setup",
        "rituals",
        "leaders",
        "status",
    ]
    assert manifest["developer"]["privacyUrl"] == "https://haven.example.org/privacy"
    assert png_size(color) == (192, 192) and png_size(outline) == (32, 32)


def test_the_outline_icon_is_white_on_transparent(tmp_path):
    from PIL import Image

    path = write_package(
        output=tmp_path / "haven.zip", bot_id=BOT_ID, website_url="https://haven.example.org"
    )
    with zipfile.ZipFile(path) as archive:
        (tmp_path / "outline.png").write_bytes(archive.read("outline.png"))
    image = Image.open(tmp_path / "outline.png")
    pixels = [image.getpixel((x, y)) for x in range(32) for y in range(32)]

    assert {p[:3] for p in pixels} == {(255, 255, 255)}
    assert {p[3] for p in pixels} >= {0, 255}


@pytest.mark.parametrize(
    ("bot_id", "website", "reason"),
    [
        ("", "https://x.org", "MICROSOFT_APP_ID"),
        ("not-a-guid", "https://x.org", "GUID"),
        (BOT_ID, "ftp://x", "https://"),
    ],
)
def test_a_package_with_a_bad_id_or_address_is_refused(tmp_path, bot_id, website, reason):
    with pytest.raises(HavenError, match=reason):
        write_package(output=tmp_path / "haven.zip", bot_id=bot_id, website_url=website)


def test_the_cli_writes_the_package_with_the_app_id_from_the_settings(tmp_path, monkeypatch):
    monkeypatch.setenv("MICROSOFT_APP_ID", BOT_ID)
    monkeypatch.setenv("MICROSOFT_APP_PASSWORD", "secret")
    load_settings.cache_clear()
    try:
        result = CliRunner().invoke(
            app,
            [
                "teams-package",
                "--website-url",
                "https://haven.example.org",
                "--output",
                str(tmp_path / "t.zip"),
            ],
        )
        monkeypatch.delenv("MICROSOFT_APP_ID")
        load_settings.cache_clear()
        refused = CliRunner().invoke(
            app, ["teams-package", "--website-url", "https://haven.example.org"]
        )
    finally:
        load_settings.cache_clear()

    assert result.exit_code == 0, result.output
    assert "upload it in Teams" in result.output
    with zipfile.ZipFile(tmp_path / "t.zip") as archive:
        assert json.loads(archive.read("manifest.json"))["bots"][0]["botId"] == BOT_ID
    assert refused.exit_code == 1 and refused.output.startswith("Error: MICROSOFT_APP_ID")
