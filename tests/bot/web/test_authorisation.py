"""Every route × every role × another team's id: leaders see their teams, admins their workspace."""

from tests.bot.web.conftest import Dashboard

# (user id, vouched an admin by the platform) for each role; None is a browser with no session.
ROLES = {
    "leader": ("U0LEA", False),
    "other_leader": ("U0OLI", False),
    "haven_admin": ("U0HADM", False),
    "workspace_admin": ("U0BOSS", True),
    "member": ("U0ANA", False),
    "anonymous": None,
}
ADMINS = ("haven_admin", "workspace_admin")


def expected_get(role: str, page: str) -> int:
    """Return the status a role gets for a page of the Platform team (or the workspace)."""
    if role == "anonymous":
        return 401
    if page == "home":
        return 403 if role == "member" else 200
    if page in ("rituals", "organisation", "other_rituals"):
        return 200 if role in ADMINS else 404
    if page == "team":
        return 200 if role in (*ADMINS, "leader") else 404
    if page == "other_team":
        return 200 if role in (*ADMINS, "other_leader") else 404
    if page in ("elsewhere_team", "elsewhere_rituals"):
        return 404
    raise AssertionError(page)


def paths(dashboard: Dashboard) -> dict[str, str]:
    """Return each page's path with the seeded ids."""
    t = dashboard.teams
    return {
        "home": "/app/",
        "team": f"/app/teams/{t.platform}",
        "rituals": f"/app/teams/{t.platform}/rituals",
        "organisation": "/app/organisation",
        "other_team": f"/app/teams/{t.other}",
        "other_rituals": f"/app/teams/{t.other}/rituals",
        "elsewhere_team": f"/app/teams/{t.elsewhere}",
        "elsewhere_rituals": f"/app/teams/{t.elsewhere}/rituals",
    }


async def as_role(dashboard: Dashboard, role: str) -> None:
    """Sign the client in as the role (or out, for anonymous)."""
    dashboard.client.session.cookie_jar.clear()
    if ROLES[role] is not None:
        user, vouched = ROLES[role]
        await dashboard.sign_in(user, platform_admin=vouched)


async def test_every_page_answers_each_role_as_the_rules_say(dashboard: Dashboard) -> None:
    for role in ROLES:
        await as_role(dashboard, role)
        await pages_answer_as_the_rules_say(dashboard, role)


async def test_every_form_refuses_who_may_not_use_it(dashboard: Dashboard) -> None:
    for role in ROLES:
        await as_role(dashboard, role)
        await forms_refuse_who_may_not_use_them(dashboard, role)


async def pages_answer_as_the_rules_say(dashboard: Dashboard, role: str) -> None:
    """Check every page's status for one role, and that refusals carry no figure."""
    got = {}
    for page, path in paths(dashboard).items():
        response = await dashboard.client.get(path, allow_redirects=False)
        got[page] = response.status
        text = await response.text()
        if response.status != 200:
            assert "/100" not in text and "Participation" not in text, (role, page)
    assert got == {page: expected_get(role, page) for page in got}


async def forms_refuse_who_may_not_use_them(dashboard: Dashboard, role: str) -> None:
    """Post every kind of form as one role and check the refusals."""
    t = dashboard.teams
    token = "none"
    if ROLES[role] is not None:
        token = await dashboard.csrf("/app/organisation" if role in ADMINS else "/app/teams/1")
    forms = {
        "pause_other_workspace": f"/app/teams/{t.elsewhere}/rituals/{t.checkin}/pause",
        "pause_wrong_team": f"/app/teams/{t.other}/rituals/{t.checkin}/pause",
        "pause": f"/app/teams/{t.platform}/rituals/{t.checkin}/pause",
        "reply_other_team": f"/app/teams/{t.other}/feedback/{t.feedback_item}/reply",
    }
    got = {}
    for name, path in forms.items():
        response = await dashboard.client.post(
            path, data={"csrf": token, "reply": "thanks"}, allow_redirects=False
        )
        got[name] = response.status
    if role == "anonymous":
        assert set(got.values()) == {401}
    elif role in ADMINS:
        # The ritual belongs to Platform, so it is not found under Other's id.
        assert got == {
            "pause_other_workspace": 404,
            "pause_wrong_team": 404,
            "pause": 303,
            "reply_other_team": 404,  # the answer is Platform's, not Other's
        }
    else:
        assert got["pause"] == got["pause_wrong_team"] == got["pause_other_workspace"] == 404
        assert got["reply_other_team"] == 404
    assert dashboard.fake.calls_to("chat.postMessage") == []  # no relay reached anyone
