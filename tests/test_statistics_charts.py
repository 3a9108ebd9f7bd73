"""Charts are reportlab Drawings: inlined in pages as sanitised SVG, placed in PDFs as they are."""

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Drawing, String, UserNode

from reports import charts

START = dt.datetime(2026, 11, 23, 8, tzinfo=dt.UTC)
END = dt.datetime(2026, 11, 23, 18, tzinfo=dt.UTC)
SVG = "{http://www.w3.org/2000/svg}"


def figures(**overrides):
    base = {
        "per_team": {
            "DE": {"checks_planned": 1, "checks_in_progress": 2, "checks_clean": 3, "checks_with_indications": 4},
            "FR": {"checks_planned": 0, "checks_in_progress": 0, "checks_clean": 1, "checks_with_indications": 0},
            "EU": {"checks_planned": 0, "checks_in_progress": 0, "checks_clean": 0, "checks_with_indications": 0},
        },
        "breakdowns": {
            "platforms_by_category": {
                "escort": {"platforms_monitored": 3, "platforms_checked": 2, "platforms_with_indications": 1},
            },
        },
        "timeline": [{"hour": "2026-11-23T09:00:00+00:00", "findings": 5},
                     {"hour": "2026-11-23T12:00:00+00:00", "findings": 2}],
    }
    return base | overrides


def every_chart(data):
    return [
        charts.checks_progress_chart(data),
        charts.findings_per_hour_chart(data, starts_at=START, ends_at=END),
        charts.platforms_by_category_chart(data),
    ]


def test_svg_keeps_no_script_no_inline_style_no_link_and_no_outside_reference():
    for drawing in every_chart(figures()):
        markup = charts.to_svg(drawing, label="A chart")
        root = ET.fromstring(markup)
        for element in root.iter():
            assert element.tag.removeprefix(SVG) in charts.ALLOWED_ELEMENTS
            for name in element.attrib:
                assert name in charts.ALLOWED_ATTRIBUTES or name in ("role", "aria-label", "class"), name
                assert not name.startswith("on") and "href" not in name
        assert "style=" not in markup and "http://www.w3.org/TR" not in markup and "<!DOCTYPE" not in markup


def test_style_declarations_become_presentation_attributes():
    root = ET.fromstring(charts.to_svg(charts.checks_progress_chart(figures())))
    fills = {element.get("fill") for element in root.iter(f"{SVG}rect")}
    assert "rgb(64%,14%,17%)" in fills  # "checked, indications found" in the bar, not in a style=""


def test_text_in_a_chart_is_escaped_not_markup():
    drawing = Drawing(200, 50)
    drawing.add(String(10, 10, '</text><script>alert(1)</script><text onload="x">'))
    markup = charts.to_svg(drawing)
    root = ET.fromstring(markup)
    assert not list(root.iter(f"{SVG}script"))
    assert "<script>" not in markup
    assert "&lt;script&gt;" in markup


def test_two_charts_on_one_page_do_not_share_ids():
    first, second = (charts.to_svg(charts.checks_progress_chart(figures())) for _ in range(2))
    ids = lambda markup: {e.get("id") for e in ET.fromstring(markup).iter() if e.get("id")}  # noqa: E731
    assert ids(first) and not ids(first) & ids(second)
    clip_refs = {e.get("clip-path") for e in ET.fromstring(first).iter() if e.get("clip-path")}
    assert clip_refs and all(ref[len("url(#"):-1] in ids(first) for ref in clip_refs)


@pytest.mark.parametrize("index", [0, 1, 2])
def test_the_same_drawing_renders_to_pdf(index):
    pdf = renderPDF.drawToString(every_chart(figures())[index])
    assert pdf.startswith(b"%PDF")


def test_charts_of_an_empty_operation_say_so():
    empty = {"per_team": {}, "breakdowns": {}, "timeline": []}
    progress, per_hour, categories = (charts.to_svg(d) for d in every_chart(empty))
    assert "No platform checks planned yet" in progress
    assert "No platform monitored yet" in categories
    assert "Findings logged per hour" in per_hour


def test_hours_span_the_operation_with_empty_hours_filled():
    series = charts.hour_series(figures(), starts_at=START, ends_at=END)
    assert [hour.hour for hour, _ in series] == list(range(8, 19))
    assert dict((hour.hour, n) for hour, n in series if n) == {9: 5, 12: 2}


def test_hours_follow_the_findings_when_they_fall_outside_the_operation():
    outside = figures(timeline=[{"hour": "2026-11-25T15:00:00+00:00", "findings": 3},
                                {"hour": "2026-11-25T17:00:00+00:00", "findings": 1}])
    series = charts.hour_series(outside, starts_at=START, ends_at=END)
    assert [(hour.hour, n) for hour, n in series] == [(15, 3), (16, 0), (17, 1)]


def test_a_long_operation_draws_at_most_two_weeks_of_hours():
    long_end = START + dt.timedelta(days=30)
    series = charts.hour_series(figures(), starts_at=START, ends_at=long_end)
    assert len(series) == charts.MAX_HOURS
    assert series[-1][0] == long_end


def strings_of(drawing) -> list[str]:
    """Every text the drawing prints, labels and bar values included."""
    found = []

    def walk(node):
        while isinstance(node, UserNode):  # widgets hand out their shapes when asked
            node = node.provideNode()
        if isinstance(node, String):
            found.append(node.text)
        for child in getattr(node, "contents", []):
            walk(child)

    walk(drawing)
    return found


def test_the_activity_chart_counts_hours_over_a_day_days_over_a_week_and_weeks_beyond():
    timeline = [{"hour": "2026-11-23T09:00:00+00:00", "findings": 5},
                {"hour": "2026-11-25T12:00:00+00:00", "findings": 2}]
    unit, _ = charts.activity_series(figures(timeline=timeline[:1]), starts_at=START, ends_at=END)
    assert unit == "hour"
    unit, days = charts.activity_series(figures(timeline=timeline), starts_at=START,
                                        ends_at=START + dt.timedelta(days=4))
    assert unit == "day" and [(d.day, n) for d, n in days] == [(23, 5), (24, 0), (25, 2), (26, 0), (27, 0)]
    unit, weeks = charts.activity_series(figures(timeline=timeline), starts_at=START,
                                         ends_at=START + dt.timedelta(days=40))
    assert unit == "week" and weeks[0] == (dt.datetime(2026, 11, 23, tzinfo=dt.UTC), 7)  # weeks from Monday
    assert all(week.weekday() == 0 for week, _ in weeks)


def test_periods_are_labelled_with_their_dates_and_bars_with_their_numbers():
    hourly = strings_of(charts.activity_chart(figures(), starts_at=START, ends_at=END))
    assert hourly[hourly.index("08h") + 1] == "23 Nov"  # the first hour with its date under it
    assert "5" in hourly and "2" in hourly  # the bars' values
    daily = strings_of(charts.activity_chart(figures(), starts_at=START, ends_at=START + dt.timedelta(days=4)))
    assert "Findings logged per day (UTC)" in daily and daily[daily.index("Mon") + 1] == "23 Nov"
    progress = strings_of(charts.checks_progress_chart(figures()))
    assert "10" in progress and "1" in progress  # each team's total at the end of its bar
    categories = strings_of(charts.platforms_by_category_chart(figures()))
    assert {"3", "2", "1"} <= set(categories)


@pytest.mark.parametrize("largest, top", [(7, 8), (10, 10), (27, 30), (1, 1), (0, 1)])
def test_the_value_axis_ends_on_a_grid_line_at_or_above_the_tallest_bar(largest, top):
    timeline = [{"hour": "2026-11-23T09:00:00+00:00", "findings": largest}] if largest else []
    drawing = charts.activity_chart(figures(timeline=timeline), starts_at=START, ends_at=END)
    chart = next(node for node in drawing.contents if hasattr(node, "valueAxis"))
    assert chart.valueAxis.valueMax == top and top % chart.valueAxis.valueStep == 0


def test_a_lone_bar_keeps_its_date_and_is_not_as_wide_as_the_chart():
    lone = figures(timeline=[{"hour": "2025-05-01T16:00:00+00:00", "findings": 9}])
    drawing = charts.activity_chart(lone, starts_at=START, ends_at=END)
    chart = next(node for node in drawing.contents if hasattr(node, "valueAxis"))
    assert chart.categoryAxis.categoryNames == ["16h\n01 May"]
    assert chart.width <= charts.MAX_BAR
