"""The "Your data" personal tab: in the manifest when Haven's address is given, served by Haven."""

import json
import zipfile
from pathlib import Path

import jsonschema

from bot.teams.package import write_package
from tests.bot.teams.test_package import BOT_ID
from tests.specs import spec_schema


def test_the_package_has_the_your_data_tab_when_havens_address_is_given(tmp_path: Path):
    path = write_package(
        output=tmp_path / "haven.zip",
        bot_id=BOT_ID,
        website_url="https://example.org",
        haven_url="https://haven.example.org:8443/",
    )
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    validator = jsonschema.Draft4Validator(spec_schema("teams-app-manifest.schema.json"))
    assert [error.message for error in validator.iter_errors(manifest)] == []
    (tab,) = manifest["staticTabs"]
    assert tab["contentUrl"] == "https://haven.example.org:8443/teams/privacy"
    assert tab["scopes"] == ["personal"]
    assert manifest["validDomains"] == ["haven.example.org"]
    personal = manifest["bots"][0]["commandLists"][1]["commands"]
    assert [c["title"] for c in personal] == ["help", "privacy"]


async def test_haven_serves_the_tab_saying_what_is_kept_and_how_to_export_or_erase(teams):
    response = await teams.client.get("/teams/privacy")
    assert response.status == 200
    assert (
        "frame-ancestors https://teams.microsoft.com" in response.headers["Content-Security-Policy"]
    )
    page = await response.text()
    assert "365 days" in page and "30 days after the question closes" in page
    assert "Send me my data" in page and "Erase me" in page
    assert "<script" not in page and "http://" not in page
