"""The Rituals page: pause, resume, run now and edit with the chat's and the YAML's rules."""

from html import unescape

from sqlmodel import Session, select

from storage.models import Occurrence, Ritual, Team
from tests.bot.web.conftest import Dashboard


async def post(dashboard: Dashboard, action: str, **form: str):  # type: ignore[no-untyped-def]
    """Post a ritual form of Platform's check-in as the signed-in admin."""
    token = await dashboard.csrf(f"/app/teams/{dashboard.teams.platform}/rituals")
    path = f"/app/teams/{dashboard.teams.platform}/rituals/{dashboard.teams.checkin}/{action}"
    return await dashboard.client.post(path, data={"csrf": token, **form})


def checkin(dashboard: Dashboard) -> Ritual:
    with Session(dashboard.engine) as session:
        ritual = session.get(Ritual, dashboard.teams.checkin)
        assert ritual is not None
        return ritual


async def test_the_page_lists_rituals_with_their_next_run_and_the_teams_people(
    dashboard: Dashboard,
) -> None:
    await dashboard.sign_in("U0HADM")
    html = await (
        await dashboard.client.get(f"/app/teams/{dashboard.teams.platform}/rituals")
    ).text()
    assert "Next run (Europe/Berlin)" in html
    assert "Mon " in html and "10:00" in html  # "0 10 * * mon" in the team's zone
    assert "numbers from 3 people, texts from 3" in html
    assert "<li>Lea</li>" in html


async def test_pause_resume_and_run_now(dashboard: Dashboard) -> None:
    await dashboard.sign_in("U0HADM")
    ran = await post(dashboard, "run")
    assert ran.status == 200 and "Opened checkin" in await ran.text()
    prompts = [
        c for c in dashboard.fake.calls_to("chat.postMessage") if c.args.get("channel") == "C0TEAM"
    ]
    assert prompts
    with Session(dashboard.engine) as session:
        opened = session.exec(
            select(Occurrence).where(Occurrence.ritual_id == dashboard.teams.checkin)
        ).all()
        assert [o.status for o in opened].count("open") == 1  # the seeded weeks are closed
    assert "is paused" in await (await post(dashboard, "pause")).text()
    assert checkin(dashboard).paused
    refused = await post(dashboard, "run")
    assert refused.status == 400 and "resume it first" in await refused.text()
    assert "running again" in await (await post(dashboard, "resume")).text()
    assert not checkin(dashboard).paused


async def test_edit_uses_the_yamls_validation(dashboard: Dashboard) -> None:
    await dashboard.sign_in("U0HADM")
    saved = await post(
        dashboard, "edit", schedule="30 9 * * tue", mode="private", window_minutes="45"
    )
    assert saved.status == 200 and "saved" in await saved.text()
    ritual = checkin(dashboard)
    assert (ritual.schedule, ritual.mode, ritual.window_minutes) == ("30 9 * * tue", "private", 45)

    for form, says in (
        ({"schedule": "61 9 * * tue"}, "minute 61 is out of range 0–59"),
        ({"schedule": "9 * * tue"}, "it has 4 fields instead of 5"),
        ({"schedule": ""}, "A ritual needs a schedule"),
        ({"schedule": "0 9 * * mon", "mode": "loud"}, "'shared' or 'private'"),
        ({"schedule": "0 9 * * mon", "window_minutes": "3"}, "at least 5 minutes"),
        ({"schedule": "0 9 * * mon", "window_minutes": "soon"}, "whole number of minutes"),
    ):
        response = await post(dashboard, "edit", **form)
        assert response.status == 400, form
        assert says in unescape(await response.text()), form
    assert checkin(dashboard).schedule == "30 9 * * tue"  # nothing was applied


async def test_bad_input_gets_a_clear_error_never_a_5xx(dashboard: Dashboard) -> None:
    await dashboard.sign_in("U0HADM")
    t = dashboard.teams
    token = await dashboard.csrf("/app/organisation")
    cases = {
        f"/app/teams/{t.platform}?weeks=abc": 400,
        f"/app/teams/{t.platform}?weeks=9": 400,
        "/app/teams/abc": 404,
        "/app/teams/99999": 404,
        "/app/teams/-1/rituals": 404,
        "/app/organisation?sort=nonsense": 400,
        f"/app/teams/{t.platform}/rituals/abc/pause": 405,  # a GET on a form's address
    }
    for path, status in cases.items():
        assert (await dashboard.client.get(path)).status == status, path
    posts = {
        f"/app/teams/{t.platform}/rituals/abc/pause": 404,
        f"/app/teams/{t.platform}/rituals/{t.checkin}/explode": 404,
        f"/app/teams/{t.platform}/feedback/nope/reply": 404,
    }
    for path, status in posts.items():
        response = await dashboard.client.post(path, data={"csrf": token, "reply": "x"})
        assert response.status == status, path


async def test_a_leader_reply_needs_text_and_an_admin_who_does_not_lead_cannot_reply(
    dashboard: Dashboard,
) -> None:
    t = dashboard.teams
    await dashboard.sign_in("U0LEA")
    token = await dashboard.csrf(f"/app/teams/{t.platform}")
    path = f"/app/teams/{t.platform}/feedback/{t.feedback_item}/reply"
    empty = await dashboard.client.post(path, data={"csrf": token, "reply": "   "})
    assert empty.status == 400 and "empty reply" in await empty.text()
    dashboard.client.session.cookie_jar.clear()
    await dashboard.sign_in("U0HADM")
    token = await dashboard.csrf(f"/app/teams/{t.platform}")
    refused = await dashboard.client.post(path, data={"csrf": token, "reply": "hello"})
    assert refused.status == 400
    assert "Only the team's leaders" in unescape(await refused.text())
    assert dashboard.fake.calls_to("chat.postMessage") == []


async def test_a_team_with_no_history_yet_shows_every_figure_withheld(dashboard: Dashboard) -> None:
    with Session(dashboard.engine) as session:
        platform = session.get(Team, dashboard.teams.platform)
        assert platform is not None
        fresh = Team(workspace_id=platform.workspace_id, name="Fresh", channel="C0FRESH")
        session.add(fresh)
        session.commit()
        team_id = fresh.id
    await dashboard.sign_in("U0BOSS", platform_admin=True)
    for path in (f"/app/teams/{team_id}?weeks=52", f"/app/teams/{team_id}/rituals"):
        response = await dashboard.client.get(path)
        assert response.status == 200, path
    page = unescape(await (await dashboard.client.get(f"/app/teams/{team_id}")).text())
    assert "No rituals yet" not in page and "—" in page
    organisation = await dashboard.client.get("/app/organisation?sort=safety_change")
    assert organisation.status == 200
    assert "Fresh" in await organisation.text()
