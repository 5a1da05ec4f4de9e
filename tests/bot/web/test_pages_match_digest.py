"""Every figure the dashboard shows is the digest's own figure for that team and week."""

import re
from html import unescape

from sqlmodel import Session

from bot.digest_format import figure_text, value_text
from bot.web import organisation_view
from rituals.clock import previous_weeks
from rituals.digest import build_digest, iter_digests
from rituals.headlines import keep_latest_headlines
from tests.bot.web.conftest import Dashboard

ROW = re.compile(
    r"<tr><th scope=\"row\">(\d{4}-W\d{2})</th><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td>(?:<td>[^<]*</td>)?</tr>"
)


def trend_tables(html: str) -> dict[str, list[tuple[str, str, str, str]]]:
    """Return each trend table's rows (week, value, covers, reason) by metric name."""
    tables = {}
    for name, body in re.findall(r'id="trend-(\w+)">(.*?)</figure>', html, flags=re.S):
        tables[name] = [tuple(unescape(c) for c in row) for row in ROW.findall(body)]
    return tables


async def test_team_page_figures_are_the_digests(dashboard: Dashboard) -> None:
    await dashboard.sign_in("U0LEA")
    html = await (await dashboard.client.get(f"/app/teams/{dashboard.teams.platform}")).text()
    tables = trend_tables(html)
    assert set(tables) == {"participation_rate", "mean_mood", "mean_sentiment", "safety_index"}
    withheld = 0
    with Session(dashboard.engine) as session:
        for name, rows in tables.items():
            assert len(rows) == 8
            for week, value, covers, reason in rows:
                document = build_digest(
                    session=session, team_id=dashboard.teams.platform, iso_week=week
                )
                metric = next(m for m in document.metrics if m.name == name)
                figure = metric.current
                expected = value_text(metric, figure.value) if figure.value is not None else "—"
                assert value == expected, (name, week)
                assert reason == (figure.withheld or ""), (name, week)
                if len(figure.weeks) > 1:
                    assert covers == f"pooled {figure.weeks[0]}–{figure.weeks[-1]}"
                withheld += figure.value is None
        last = build_digest(session=session, team_id=dashboard.teams.platform, iso_week=rows[-1][0])
    assert withheld > 0  # the seeded two-person week is withheld on the page as in the digest
    for metric in (last.participation, last.mood, last.sentiment, last.safety):
        assert (
            f'<dt>{metric.label}</dt><dd><span class="value">{figure_text(metric)}</span>'
            in unescape(html)
        )
    for item in last.items:
        shown = f"{item.score:.1f}" if item.score is not None else "—"
        row = re.search(rf"<th scope=\"row\">{item.number}\. .*?</tr>", html, flags=re.S)
        assert row is not None
        assert re.findall(r"<td[^>]*>([^<]*)</td>", row.group(0))[-1] == shown


async def test_organisation_figures_are_the_digests(dashboard: Dashboard) -> None:
    await dashboard.sign_in("U0HADM")
    html = unescape(await (await dashboard.client.get("/app/organisation")).text())
    week = re.search(r"week (\d{4}-W\d{2})", html).group(1)
    with Session(dashboard.engine) as session:
        for team_id in (dashboard.teams.platform, dashboard.teams.other):
            document = build_digest(session=session, team_id=team_id, iso_week=week)
            row = re.search(rf'<a href="/app/teams/{team_id}">.*?</tr>', html, flags=re.S)
            cells = re.findall(r"<td[^>]*>([^<]*)</td>", row.group(0))
            expected = [
                value_text(m, m.current.value) if m.current.value is not None else "—"
                for m in (
                    document.participation,
                    document.mood,
                    document.sentiment,
                    document.safety,
                )
            ]
            assert cells[:4] == expected


async def test_team_page_shows_what_leaders_said_and_the_no_signal_share(
    dashboard: Dashboard,
) -> None:
    await dashboard.sign_in("U0LEA")
    path = f"/app/teams/{dashboard.teams.platform}"
    html = unescape(await (await dashboard.client.get(path)).text())
    last_week = re.search(r"week (\d{4}-W\d{2})", html).group(1)
    with Session(dashboard.engine) as session:
        documents = list(
            iter_digests(
                session=session,
                first_week=previous_weeks(last_week, 8)[0],
                last_week=last_week,
                team_ids=[dashboard.teams.platform],
            )
        )
    expected = [d.follow_up.iso_week for d in reversed(documents) if d.follow_up is not None]
    assert expected  # the seeded commitment reaches the next week's digest
    assert re.findall(r"After the digest of (\d{4}-W\d{2})", html) == expected
    assert "“Close every meeting five minutes early.”" in html
    assert f"{documents[-1].no_signal_share:.0%} of texts carried no signal" in html


async def test_organisation_page_says_which_teams_are_still_being_computed(
    dashboard: Dashboard, monkeypatch
) -> None:
    monkeypatch.setattr(organisation_view, "COMPUTED_PER_VIEW", 1)
    await dashboard.sign_in("U0HADM")
    first = unescape(await (await dashboard.client.get("/app/organisation")).text())
    assert "The figures of 1 team for" in first
    assert first.count(f'title="{organisation_view.PENDING}">…</td>') == 5
    shown_first = re.findall(r'<a href="/app/teams/(\d+)">', first)
    second = unescape(await (await dashboard.client.get("/app/organisation")).text())
    assert "The figures of 1 team for" not in second  # the first view kept the other's
    keep_latest_headlines(engine=dashboard.engine)
    third = unescape(await (await dashboard.client.get("/app/organisation")).text())
    assert "still being computed" not in third and "…</td>" not in third
    assert sorted(re.findall(r'<a href="/app/teams/(\d+)">', third)) == sorted(shown_first)
