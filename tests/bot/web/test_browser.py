"""The dashboard in a real browser (Debian's Chromium through Playwright), with axe-core checks.

Screenshots of every page go to test-artifacts/dashboard/ (git-ignored).
"""

import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from sqlmodel import Session

from storage.models import Ritual
from tests.bot.web.conftest import Dashboard, link_path

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "dashboard"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Chromium is absent: apt-get install chromium"
    ),
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
]


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    """Launch Debian's Chromium headless."""
    playwright_api = pytest.importorskip("playwright.async_api")
    async with playwright_api.async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        yield launched
        await launched.close()


@pytest.fixture
async def page(browser: Any) -> AsyncIterator[Any]:
    """Return a fresh page (own cookies) of a desktop-sized window."""
    context = await browser.new_context(viewport={"width": 1200, "height": 900}, bypass_csp=True)
    yield await context.new_page()
    await context.close()


def base(dashboard: Dashboard) -> str:
    """Return the served dashboard's origin."""
    return str(dashboard.client.make_url("")).rstrip("/")


async def check_page(page: Any, name: str) -> None:
    """Save a screenshot and fail on any serious or critical axe-core violation."""
    from axe_playwright_python.async_playwright import Axe

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    results = await Axe().run(page)
    serious = [
        (v["id"], v["help"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], f"{name}: {serious}"


async def digest_link(dashboard: Dashboard, user: str) -> str:
    """Return the link Haven answers the digest's Open dashboard button with."""
    answer = await dashboard.open_from_digest(user)
    return base(dashboard) + link_path(answer["text"])


async def test_a_leader_follows_the_digest_link_reads_replies_and_signs_out(
    dashboard: Dashboard, page: Any
) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    await page.goto(await digest_link(dashboard, "U0LEA"))
    await page.get_by_role("link", name="Platform").click()
    await page.wait_for_selector("h1:has-text('Platform')")
    text = await page.inner_text("main")
    assert "Last closed week" in text
    # The two-person week is a gap that says why, in text and on hover.
    assert re.search(r"\d{4}-W\d{2}: withheld: mood from 2 of the needed 3", text)
    gap = page.locator("svg rect.gap title").first
    assert "from 2 of the needed 3" in (await gap.text_content() or "")
    await check_page(page, "team")

    await page.get_by_label(re.compile("Reply")).first.fill("Thank you — we will end on time.")
    await page.get_by_role("button", name="Send reply").first.click()
    await page.wait_for_selector("text=Haven passed your reply on")
    opened = dashboard.fake.calls_to("conversations.open")
    assert opened and opened[-1].args["users"] == "U0DEV"
    relayed = dashboard.fake.calls_to("chat.postMessage")[-1].args
    assert "we will end on time" in str(relayed)
    shown = await page.content()
    assert "U0DEV" not in shown and ">Dev<" not in shown  # the leader never learns who

    for size, name in (({"width": 390, "height": 844}, "team-phone"),):
        await page.set_viewport_size(size)
        overflow = await page.evaluate(
            "document.documentElement.scrollWidth > window.innerWidth + 1"
        )
        assert not overflow
        await check_page(page, name)

    assert requested and all(url.startswith(base(dashboard)) for url in requested)  # no CDN
    assert any(url.split("?")[0].endswith("/app/static/haven.css") for url in requested)

    await page.get_by_role("button", name="Sign out").click()
    await page.wait_for_selector("h1:has-text('Signed out')")
    await page.goto(f"{base(dashboard)}/app/teams/{dashboard.teams.platform}")
    assert "Please sign in" in await page.inner_text("h1")
    await check_page(page, "signed-out")


async def test_an_admin_runs_a_ritual_now_and_pauses_it(dashboard: Dashboard, page: Any) -> None:
    await page.goto(base(dashboard) + dashboard.link("U0BOSS", platform_admin=True))
    await check_page(page, "home-admin")
    await page.get_by_role("link", name="Organisation", exact=True).click()
    await page.wait_for_selector("h1:has-text('Organisation')")
    await check_page(page, "organisation")
    await page.get_by_role("link", name="Safety index").first.click()
    assert "sorted by safety" in await page.inner_text("caption >> nth=0")

    await page.goto(f"{base(dashboard)}/app/teams/{dashboard.teams.platform}/rituals")
    await check_page(page, "rituals")
    await page.get_by_role("button", name="Run now checkin").click()
    await page.wait_for_selector("text=Opened checkin")
    prompts = [
        c for c in dashboard.fake.calls_to("chat.postMessage") if c.args.get("channel") == "C0TEAM"
    ]
    assert prompts, "the fake Slack received no check-in prompt"

    # The keyboard reaches every control: tab to the pause button and press Enter.
    pause = page.get_by_role("button", name="Pause checkin")
    await pause.focus()
    await page.keyboard.press("Enter")
    await page.wait_for_selector("text=checkin is paused")
    with Session(dashboard.engine) as session:
        assert session.get(Ritual, dashboard.teams.checkin).paused


async def test_a_member_gets_no_figure(dashboard: Dashboard, page: Any) -> None:
    await page.goto(base(dashboard) + dashboard.link("U0ANA"))
    assert "No figures for you" in await page.inner_text("h1")
    await check_page(page, "member")
    response = await page.goto(f"{base(dashboard)}/app/teams/{dashboard.teams.platform}")
    assert response.status == 404
    assert "/100" not in await page.content()


async def test_an_expired_or_reused_link_is_refused(dashboard: Dashboard, browser: Any) -> None:
    link = base(dashboard) + dashboard.link("U0LEA")
    first = await browser.new_context()
    await (await first.new_page()).goto(link)
    second = await browser.new_context()
    page = await second.new_page()
    response = await page.goto(link)
    assert response.status == 403
    assert "already used" in await page.inner_text("main")
    await check_page(page, "link-refused")
    await first.close()
    await second.close()


async def test_a_cross_site_form_post_is_refused(dashboard: Dashboard, page: Any) -> None:
    await page.goto(base(dashboard) + dashboard.link("U0HADM"))
    target = (
        f"{base(dashboard)}/app/teams/{dashboard.teams.platform}/rituals/"
        f"{dashboard.teams.checkin}/pause"
    )
    evil = web.Application()

    async def lure(request: web.Request) -> web.Response:
        return web.Response(
            content_type="text/html",
            text=f'<form id="f" method="post" action="{target}"><input name="csrf" value="guess">'
            '</form><script>document.getElementById("f").submit()</script>',
        )

    evil.router.add_get("/", lure)
    server = TestServer(evil, host="localhost", port=0)  # another site than 127.0.0.1
    await server.start_server()
    try:
        async with page.expect_navigation(url=target):
            await page.goto(str(server.make_url("/")))
        assert "sign in" in (
            await page.inner_text("main")
        ).lower() or "Refused" in await page.inner_text("h1")
    finally:
        await server.close()
    with Session(dashboard.engine) as session:
        assert not session.get(Ritual, dashboard.teams.checkin).paused
