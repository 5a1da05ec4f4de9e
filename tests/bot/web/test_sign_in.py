"""Signing in from the chat: one-time links, the session cookie, sign-out and forms' protection."""

import base64
from datetime import timedelta

import pytest
import time_machine
from aiohttp.test_utils import make_mocked_request

from bot.production_checks import check_settings
from bot.settings import Settings
from bot.web.sessions import is_local
from tests.bot.web.conftest import Dashboard


async def test_a_link_opens_a_session_with_a_safe_cookie(dashboard: Dashboard) -> None:
    response = await dashboard.client.get(dashboard.link("U0LEA"), allow_redirects=False)
    assert response.status == 303
    assert response.headers["Location"] == "/app/"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Max-Age=28800" in cookie
    assert "Secure" not in cookie  # served on 127.0.0.1
    page = await dashboard.client.get("/app/")
    assert page.status == 200
    assert "Platform" in await page.text()


async def test_a_used_link_is_refused(dashboard: Dashboard) -> None:
    link = dashboard.link("U0LEA")
    assert (await dashboard.client.get(link, allow_redirects=False)).status == 303
    dashboard.client.session.cookie_jar.clear()
    again = await dashboard.client.get(link, allow_redirects=False)
    assert again.status == 403
    assert "already used" in await again.text()
    assert (await dashboard.client.get("/app/")).status == 401


async def test_an_expired_link_is_refused(dashboard: Dashboard) -> None:
    link = dashboard.link("U0LEA")
    with time_machine.travel(timedelta(minutes=11)):
        refused = await dashboard.client.get(link, allow_redirects=False)
    assert refused.status == 403
    assert "expired" in await refused.text()


async def test_a_forged_link_is_refused(dashboard: Dashboard) -> None:
    link = dashboard.link("U0ANA")
    payload, stamp, signature = link.split("token=")[1].split(".")
    claim = base64.urlsafe_b64decode(payload + "==").replace(b"U0ANA", b"U0LEA")
    forged_payload = base64.urlsafe_b64encode(claim).decode().rstrip("=")
    forged = f"/app/sign-in?token={forged_payload}.{stamp}.{signature}"
    tampered = link[:-3] + ("AAA" if not link.endswith("AAA") else "BBB")
    for bad in (forged, tampered, "/app/sign-in?token=nonsense", "/app/sign-in"):
        response = await dashboard.client.get(bad, allow_redirects=False)
        assert response.status == 403, bad
        assert "Set-Cookie" not in response.headers


async def test_a_link_made_with_another_key_is_refused(dashboard: Dashboard) -> None:
    from bot.web.links import mint_link

    link = mint_link(
        key="another-key", base_url="", workspace_id=1, user_id="U0LEA", platform_admin=True
    )
    assert (await dashboard.client.get(link, allow_redirects=False)).status == 403


async def test_the_cookie_is_secure_off_localhost(dashboard: Dashboard) -> None:
    response = await dashboard.client.get(
        dashboard.link("U0LEA"), allow_redirects=False, headers={"Host": "haven.example.org"}
    )
    assert "Secure" in response.headers["Set-Cookie"]


async def test_a_session_ends_after_eight_hours(dashboard: Dashboard) -> None:
    await dashboard.sign_in("U0LEA")
    with time_machine.travel(timedelta(hours=8, minutes=1)):
        assert (await dashboard.client.get("/app/")).status == 401


async def test_sign_out_ends_the_session(dashboard: Dashboard) -> None:
    await dashboard.sign_in("U0LEA")
    token = await dashboard.csrf()
    cookie = dashboard.client.session.cookie_jar.filter_cookies(dashboard.client.make_url("/app/"))[
        "haven_session"
    ].value
    response = await dashboard.client.post("/app/sign-out", data={"csrf": token})
    assert response.status == 200
    assert "signed out" in (await response.text()).lower()
    # The old cookie is dead on the server too, not only forgotten by this browser.
    replay = await dashboard.client.get("/app/", cookies={"haven_session": cookie})
    assert replay.status == 401


async def test_a_cross_site_form_post_is_refused(dashboard: Dashboard) -> None:
    await dashboard.sign_in("U0HADM")
    path = f"/app/teams/{dashboard.teams.platform}/rituals/{dashboard.teams.checkin}/pause"
    token = await dashboard.csrf()
    no_token = await dashboard.client.post(path, data={}, allow_redirects=False)
    wrong_token = await dashboard.client.post(path, data={"csrf": "x" * 43}, allow_redirects=False)
    other_site = await dashboard.client.post(
        path,
        data={"csrf": token},
        headers={"Origin": "https://evil.example"},
        allow_redirects=False,
    )
    assert [no_token.status, wrong_token.status, other_site.status] == [403, 403, 403]
    page = await (
        await dashboard.client.get(f"/app/teams/{dashboard.teams.platform}/rituals")
    ).text()
    assert "Resume" not in page  # nothing was paused


def test_production_refuses_a_short_dashboard_key() -> None:
    short = Settings(HAVEN_ENV="production", HAVEN_DASHBOARD_KEY="short")  # type: ignore[call-arg]
    long = Settings(HAVEN_ENV="production", HAVEN_DASHBOARD_KEY="k" * 40)  # type: ignore[call-arg]
    problems = {check.name: check.problem for check in check_settings(short)}
    assert "HAVEN_DASHBOARD_KEY is shorter than 32" in (problems["dashboard key"] or "")
    assert {check.name: check.problem for check in check_settings(long)}["dashboard key"] is None


@pytest.mark.parametrize(
    ("host", "local"),
    [
        ("127.0.0.1:8080", True),
        ("localhost", True),
        ("[::1]:3978", True),
        ("[2001:db8::1]:443", False),
        ("haven.example.org", False),
        ("localhost.example.org", False),
    ],
)
def test_only_loopback_host_names_drop_the_secure_flag(host: str, local: bool) -> None:
    assert is_local(make_mocked_request("GET", "/app/", headers={"Host": host})) is local
