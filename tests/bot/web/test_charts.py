"""The SVG trend chart: shown weeks joined, pooled windows as spans, withheld weeks as titled gaps."""

import re

from bot.web.charts import ChartWeek, HeatCell, heatmap_svg, trend_svg


def test_pooled_windows_are_spans_and_withheld_weeks_are_gaps_with_their_reason() -> None:
    weeks = [
        ChartWeek(week="2026-W40", value=3.0, covers=("2026-W40",), label="3.00/5"),
        ChartWeek(week="2026-W41", value=3.5, covers=("2026-W41",), label="3.50/5"),
        ChartWeek(week="2026-W42", value=None, reason="withheld: mood from 2 of the needed 3"),
        ChartWeek(
            week="2026-W44",
            value=4.0,
            covers=("2026-W43", "2026-W44"),
            label="4.00/5",
        ),
        ChartWeek(week="2026-W45", value=3.0, covers=("2026-W45",), label="3.00/5"),
    ]
    svg = str(trend_svg(chart_id="m", title="Mood", weeks=weeks, low=1, high=5, tick="{:.0f}"))
    assert svg.count("<polyline") == 1  # W40–W41 joined; the gap and the pool break the line
    assert svg.count('class="dot"') == 3
    assert "<title>2026-W42: withheld: mood from 2 of the needed 3</title>" in svg
    [span] = re.findall(r'<line class="span" x1="([\d.]+)"[^>]*x2="([\d.]+)"', svg)
    assert float(span[0]) < float(span[1])  # drawn across the weeks it covers
    assert "4.00/5 pooled 2026-W43–2026-W44" in svg
    assert 'role="img"' in svg and "numbers in the table below" in svg


def test_a_pooled_figure_repeated_in_later_weeks_is_drawn_once() -> None:
    pooled = ("2026-W40", "2026-W41")
    weeks = [
        ChartWeek(week="2026-W40", value=2.0, covers=pooled, label="2.00/5"),
        ChartWeek(week="2026-W41", value=2.0, covers=pooled, label="2.00/5"),
    ]
    svg = str(trend_svg(chart_id="m", title="Mood", weeks=weeks, low=1, high=5, tick="{:.0f}"))
    assert svg.count('class="span"') == 1


def test_heatmap_hatches_withheld_cells_and_escapes_text() -> None:
    svg = str(
        heatmap_svg(
            chart_id="h",
            title="Items <&>",
            rows=["1 (R)", "2"],
            columns=["2026-W44", "2026-W48"],
            cells=[
                [HeatCell(score=7.0), HeatCell(score=None, reason="from 2 of the needed 3")],
                [HeatCell(score=1.0), HeatCell(score=4.0)],
            ],
        )
    )
    assert "Items &lt;&amp;&gt;" in svg
    assert svg.count('fill="url(#hatch)"') == 1
    assert "1 (R), 2026-W48: from 2 of the needed 3" in svg
    assert "hsl(120," in svg and "hsl(0," in svg  # safest green, least safe red
