"""Charts of the figures, drawn once with reportlab graphics: SVG for pages, PDF for reports.

Each chart function takes figures (the dict of ``reports.statistics.compile_figures``) and
returns a reportlab ``Drawing``; pages inline ``to_svg(drawing)``, the PDF builders place the
same Drawing on a page (``renderPDF``, or as a flowable). No JavaScript charting library, no
outside request.

``to_svg`` does not trust the renderer's output blindly: it keeps an allow-list of SVG elements
and attributes (no script, no foreignObject, no links, no event handlers), turns ``style``
declarations into presentation attributes (the Content-Security-Policy forbids inline styles),
and gives each chart's ids a unique prefix so that several charts can share one page.
"""

import datetime as dt
import math
import re
import secrets
import xml.etree.ElementTree as ET

from django.utils.safestring import SafeString, mark_safe
from reportlab.graphics import renderSVG
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from platforms.models import Platform

INK = colors.HexColor("#1d2433")
MUTED = colors.HexColor("#5b6477")
GRID = colors.HexColor("#d8dde6")
# planned, in progress, checked without indications, checked with indications
STATE_COLOURS = [
    colors.HexColor("#c9d1de"),
    colors.HexColor("#f0b429"),
    colors.HexColor("#1e7b34"),
    colors.HexColor("#a4262c"),
]
STATE_LABELS = ["Planned", "In progress", "Checked, no indications", "Checked, indications found"]
SERIES_COLOURS = [colors.HexColor("#1f4e9c"), colors.HexColor("#6c8ebf"), colors.HexColor("#a4262c")]
FONT = "Helvetica"
# Label widths are measured in Helvetica; the PDFs set them in DejaVu Sans and browsers in whatever
# sans-serif they have, both up to this much wider: every gap is sized for the widest.
WIDEST_FONT = 1.2

# The longest span the activity chart draws in hours; beyond it, days, then weeks.
HOURS_UP_TO = dt.timedelta(hours=36)
DAYS_UP_TO = dt.timedelta(days=14)
MAX_HOURS = 14 * 24  # the most hours ``hour_series`` returns
MAX_BAR = 44  # a bar is never wider than this, however few there are


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """How wide ``text`` may come out at ``size`` in any of the fonts the charts are set in."""
    lines = str(text).split("\n")
    return max(stringWidth(line, FONT + ("-Bold" if bold else ""), size) for line in lines) * WIDEST_FONT


def _title(drawing: Drawing, text: str, size: float) -> None:
    drawing.add(String(0, drawing.height - size - 1, text, fontName=FONT + "-Bold", fontSize=size + 1,
                       fillColor=INK))


def _style_axes(chart, size: float) -> None:
    for axis in (chart.categoryAxis, chart.valueAxis):
        axis.strokeColor = MUTED
        # Anchored at the axis end of the text: a wider font than reportlab measured (a browser's, or
        # DejaVu in the PDF) grows away from the bars, never into them.
        axis.labels.textAnchor = "boxauto"
        axis.labels.fontName = FONT
        axis.labels.fontSize = size
        axis.labels.fillColor = INK
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = GRID
    chart.valueAxis.forceZero = True
    chart.valueAxis.valueMin = 0
    chart.categoryAxis.tickShift = 0
    if isinstance(chart, HorizontalBarChart):
        chart.categoryAxis.labels.dx = -3


def _nice_step(largest: int) -> int:
    """A whole-number value step with at most about six grid lines."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000):
        if largest / step <= 6:
            return step
    return max(1, largest // 5)


def _value_scale(chart, largest: int) -> None:
    """The value axis ends on a grid line at or above the longest bar, so no bar rises above its grid."""
    step = _nice_step(largest)
    chart.valueAxis.valueStep = step
    chart.valueAxis.valueMax = max(step, math.ceil(largest / step) * step)


def _legend(drawing: Drawing, x: float, y: float, pairs, *, size: float, width: float) -> float:
    """Swatches in as many columns as fit ``width``; returns the height it takes."""
    pairs = list(pairs)
    swatch = size
    column = max(text_width(name, size) for _, name in pairs) + swatch + 12
    per_row = max(1, min(len(pairs), int(width // column)))
    rows = math.ceil(len(pairs) / per_row)
    legend = Legend()
    legend.x, legend.y = x, y + rows * (size + 3)
    legend.alignment = "right"
    legend.columnMaximum = rows
    legend.variColumn = False
    legend.deltax = column
    legend.deltay = size + 3
    legend.dxTextSpace = 4
    legend.dx = legend.dy = swatch
    legend.fontName = FONT
    legend.fontSize = size
    legend.fillColor = INK
    legend.strokeColor = None
    legend.colorNamePairs = pairs
    drawing.add(legend)
    return rows * (size + 3)


def _empty(drawing: Drawing, text: str, size: float) -> Drawing:
    drawing.add(String(drawing.width / 2, drawing.height / 2, text, fontName=FONT, fontSize=size,
                       fillColor=MUTED, textAnchor="middle"))
    return drawing


def _value_labels(chart, size: float, *, fmt=None) -> None:
    """Each bar carries its number, just past its end (nothing on an empty bar)."""
    chart.barLabelFormat = fmt or (lambda value: str(int(value)) if value else "")
    chart.barLabels.fontName = FONT
    chart.barLabels.fontSize = size
    chart.barLabels.fillColor = INK
    chart.barLabels.textAnchor = "boxauto"
    if isinstance(chart, HorizontalBarChart):
        chart.barLabels.boxAnchor, chart.barLabels.dx = "w", 3
    else:
        chart.barLabels.boxAnchor, chart.barLabels.dy = "s", 2


# --- the charts --------------------------------------------------------------------------------


def checks_progress_chart(figures: dict, *, width: float = 460, size: float = 9) -> Drawing:
    """Platform checks of each country team by state: one stacked horizontal bar per team, its total at its end."""
    keys = ["checks_planned", "checks_in_progress", "checks_clean", "checks_with_indications"]
    teams = [(team, row) for team, row in figures["per_team"].items() if any(row.get(k) for k in keys)]
    totals = [sum(row.get(k, 0) for k in keys) for _, row in teams]
    bar = size + 6
    label_room = max([text_width(team, size) for team, _ in teams] + [size]) + 8
    value_room = max([text_width(str(n), size) for n in totals] + [size]) + 8
    legend_h = 2 * (size + 3) + 4
    top, bottom = size + 10, size + 10 + legend_h + 8
    height = top + bottom + max(1, len(teams)) * (bar + 4)
    drawing = Drawing(width, height)
    _title(drawing, "Platform checks by country team", size)
    if not teams:
        return _empty(drawing, "No platform checks planned yet", size)
    chart = HorizontalBarChart()
    chart.x, chart.y = label_room, bottom
    chart.width, chart.height = width - chart.x - value_room, height - top - bottom
    # reportlab draws the first category at the bottom: reverse, so teams read A→Z downwards.
    teams.reverse()
    totals.reverse()
    chart.data = [[row.get(key, 0) for _, row in teams] for key in keys]
    chart.categoryAxis.categoryNames = [team for team, _ in teams]
    chart.categoryAxis.style = "stacked"
    chart.barSpacing = 0
    chart.groupSpacing = 4
    _style_axes(chart, size)
    _value_scale(chart, max(totals))
    for index, colour in enumerate(STATE_COLOURS):
        chart.bars[index].fillColor = colour
        chart.bars[index].strokeColor = None
    drawing.add(chart)
    # The total of each bar past its end (reportlab would label every segment of a stacked bar).
    slot = chart.height / len(teams)
    for index, total in enumerate(totals):
        x = chart.x + chart.width * total / chart.valueAxis.valueMax + 3
        drawing.add(String(x, chart.y + slot * (index + 0.5) - size * 0.35, str(total), fontName=FONT,
                           fontSize=size, fillColor=INK))
    _legend(drawing, 0, 2, zip(STATE_COLOURS, STATE_LABELS, strict=True), size=size, width=width)
    return drawing


def _span(figures: dict, starts_at: dt.datetime, ends_at: dt.datetime) -> tuple[dict, dt.datetime, dt.datetime]:
    """Findings per hour, and the span to draw: the operation's own (start to end) when every finding
    falls inside it, so a big screen shows how far through the operation it is; else the findings'."""
    counts = {dt.datetime.fromisoformat(row["hour"]): row["findings"] for row in figures["timeline"]}
    first = starts_at.replace(minute=0, second=0, microsecond=0)
    last = ends_at.replace(minute=0, second=0, microsecond=0)
    if counts and (min(counts) < first or max(counts) > last):
        first, last = min(counts), max(counts)
    return counts, first, last


def hour_series(figures: dict, *, starts_at: dt.datetime, ends_at: dt.datetime) -> list[tuple[dt.datetime, int]]:
    """Findings per hour with the empty hours filled in (at most the last ``MAX_HOURS``)."""
    counts, first, last = _span(figures, starts_at, ends_at)
    first = max(first, last - dt.timedelta(hours=MAX_HOURS - 1))
    hours = int((last - first).total_seconds() // 3600) + 1
    return [(first + dt.timedelta(hours=h), counts.get(first + dt.timedelta(hours=h), 0)) for h in range(hours)]


def activity_series(figures: dict, *, starts_at: dt.datetime, ends_at: dt.datetime):
    """(unit, [(start, findings)]): per hour over one day (up to 36 hours), per day up to two weeks,
    per week (from Monday) beyond; empty periods filled in."""
    counts, first, last = _span(figures, starts_at, ends_at)
    if last - first <= HOURS_UP_TO:
        return "hour", hour_series(figures, starts_at=starts_at, ends_at=ends_at)
    unit = "day" if last - first <= DAYS_UP_TO else "week"

    def bucket(moment: dt.datetime) -> dt.datetime:
        day = moment.replace(hour=0, minute=0, second=0, microsecond=0)
        return day if unit == "day" else day - dt.timedelta(days=day.weekday())

    per_bucket: dict[dt.datetime, int] = {}
    for hour, n in counts.items():
        per_bucket[bucket(hour)] = per_bucket.get(bucket(hour), 0) + n
    step = dt.timedelta(days=1 if unit == "day" else 7)
    series, moment = [], bucket(first)
    while moment <= bucket(last):
        series.append((moment, per_bucket.get(moment, 0)))
        moment += step
    return unit, series


def _period_labels(unit: str, series, slot: float, size: float) -> list[str]:
    """Category labels with dates: every k-th period, k chosen so that no two labels touch. Hours
    carry their date under the first labelled hour of each day."""
    if unit == "hour":
        widest = text_width("00h\n00 Mmm", size) + 4
        every = next((k for k in (1, 2, 3, 4, 6, 12, 24) if k * slot >= widest), 24)
        labels, dated, last = [], set(), -every
        for index, (moment, _) in enumerate(series):
            # The first hour always (a lone bar keeps its date); then every k-th, never closer than k.
            if (moment.hour % every and index) or index - last < every:
                labels.append("")
                continue
            last = index
            label = f"{moment:%H}h"
            if moment.date() not in dated:
                dated.add(moment.date())
                label += f"\n{moment:%d %b}"
            labels.append(label)
        return labels
    labels = [f"{moment:%a}\n{moment:%d %b}" if unit == "day" else f"{moment:%d %b}" for moment, _ in series]
    widest = max((text_width(label, size) for label in labels), default=0) + 4
    every = max(1, math.ceil(widest / slot))
    return [label if index % every == 0 else "" for index, label in enumerate(labels)]


ACTIVITY_TITLES = {"hour": "Findings logged per hour (UTC)", "day": "Findings logged per day (UTC)",
                   "week": "Findings logged per week (weeks from Monday, UTC)"}


def activity_chart(figures: dict, *, starts_at, ends_at, width: float = 460, height: float = 200,
                   size: float = 9) -> Drawing:
    """Findings logged (cases, suspects, victims, URLs, accounts, locations) per hour, day or week."""
    unit, series = activity_series(figures, starts_at=starts_at, ends_at=ends_at)
    drawing = Drawing(width, height)
    _title(drawing, ACTIVITY_TITLES[unit], size)
    largest = max((n for _, n in series), default=0)
    chart = VerticalBarChart()
    chart.x = text_width(str(max(largest, 10)), size) + 10
    chart.y = 2 * size + 10  # two lines of labels: the period and, where a day starts, its date
    room = width - chart.x - 6
    slot = min(MAX_BAR, room / max(1, len(series)))
    chart.width = slot * max(1, len(series))
    chart.height = height - chart.y - (2 * size + 8)  # room above for the title and the tallest bar's number
    chart.data = [[n for _, n in series]]
    chart.categoryAxis.categoryNames = _period_labels(unit, series, slot, size)
    chart.barSpacing = 0
    chart.groupSpacing = max(1, slot * 0.15)
    _style_axes(chart, size)
    chart.categoryAxis.labels.boxAnchor = "n"
    chart.categoryAxis.tickDown = 0
    _value_scale(chart, largest)
    chart.bars[0].fillColor = SERIES_COLOURS[0]
    chart.bars[0].strokeColor = None
    # The numbers on the bars, as large as the bars' width allows.
    fits = (slot - 1) / max(1, text_width(str(largest), 1))
    _value_labels(chart, min(size, fits))
    drawing.add(chart)
    return drawing


def findings_per_hour_chart(figures: dict, *, starts_at, ends_at, width: float = 460, height: float = 200,
                            size: float = 9) -> Drawing:
    """The activity chart (its name from when it counted hours only)."""
    return activity_chart(figures, starts_at=starts_at, ends_at=ends_at, width=width, height=height, size=size)


def platforms_by_category_chart(figures: dict, *, width: float = 460, size: float = 9) -> Drawing:
    """Platforms monitored, checked and with indications, per platform category, each bar with its number."""

    labels = dict(Platform.Category.choices)
    rows = figures["breakdowns"].get("platforms_by_category", {}).items()
    rows = sorted(rows, key=lambda item: labels.get(item[0], item[0]))
    keys = ["platforms_monitored", "platforms_checked", "platforms_with_indications"]
    names = ["Monitored", "Checked", "With indications"]
    bar = size + 2
    group = 3 * bar + 8
    legend_h = size + 3
    top, bottom = size + 10, size + 10 + legend_h + 8
    height = top + bottom + max(1, len(rows)) * group
    drawing = Drawing(width, height)
    _title(drawing, "Platforms by category", size)
    if not rows:
        return _empty(drawing, "No platform monitored yet", size)
    rows.reverse()
    largest = max(row.get("platforms_monitored", 0) for _, row in rows)
    chart = HorizontalBarChart()
    chart.x = max(text_width(labels.get(category, category), size) for category, _ in rows) + 8
    value_room = text_width(str(largest), size) + 8
    chart.y = bottom
    chart.width, chart.height = width - chart.x - value_room, height - top - bottom
    # reportlab draws a group's first series at the bottom: reversed, "monitored" comes first.
    chart.data = [[row.get(key, 0) for _, row in rows] for key in reversed(keys)]
    chart.categoryAxis.categoryNames = [labels.get(category, category) for category, _ in rows]
    chart.barSpacing = 0
    chart.groupSpacing = 8
    _style_axes(chart, size)
    _value_scale(chart, largest)
    _value_labels(chart, size - 1)
    for index, colour in enumerate(reversed(SERIES_COLOURS)):
        chart.bars[index].fillColor = colour
        chart.bars[index].strokeColor = None
    drawing.add(chart)
    _legend(drawing, 0, 2, zip(SERIES_COLOURS, names, strict=True), size=size, width=width)
    return drawing


# --- SVG for pages -----------------------------------------------------------------------------

SVG_NS = "http://www.w3.org/2000/svg"
ET.register_namespace("", SVG_NS)

ALLOWED_ELEMENTS = {
    "svg", "g", "path", "rect", "line", "polyline", "polygon", "circle", "ellipse",
    "text", "tspan", "title", "desc", "clipPath",
}
ALLOWED_ATTRIBUTES = {
    "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "width", "height", "d", "points",
    "transform", "viewBox", "preserveAspectRatio", "id", "clip-path", "fill", "fill-rule", "fill-opacity",
    "stroke", "stroke-width", "stroke-linecap", "stroke-linejoin", "stroke-dasharray", "stroke-miterlimit",
    "stroke-opacity", "opacity", "font-family", "font-size", "font-weight", "text-anchor", "version",
}
# CSS properties of reportlab's style="" that become presentation attributes.
STYLE_PROPERTIES = ALLOWED_ATTRIBUTES & {
    "fill", "fill-rule", "fill-opacity", "stroke", "stroke-width", "stroke-linecap", "stroke-linejoin",
    "stroke-dasharray", "stroke-miterlimit", "stroke-opacity", "opacity", "font-family", "font-size",
    "font-weight", "text-anchor", "clip-path",
}
_LOCAL_REF = re.compile(r"^url\(#([A-Za-z0-9_-]+)\)$")
_SAFE_VALUE = re.compile(r"^[A-Za-z0-9#%(),.\s_-]*$")


def to_svg(drawing: Drawing, *, label: str = "") -> SafeString:
    """The drawing as an inline ``<svg>`` element, sanitised, ready for a template."""
    raw = renderSVG.drawToString(drawing)
    # Drop the XML declaration and the DOCTYPE (it names an outside DTD) before parsing.
    raw = raw[raw.index("<svg"):]
    root = ET.fromstring(raw)
    prefix = "c" + secrets.token_hex(4)
    ids = {el.get("id") for el in root.iter() if el.get("id")}
    _clean(root, prefix, ids)
    root.set("role", "img")
    for el in list(root):
        if el.tag in (f"{{{SVG_NS}}}title", f"{{{SVG_NS}}}desc"):
            root.remove(el)  # reportlab writes "..." in both
    if label:
        root.set("aria-label", label)
        title = ET.Element(f"{{{SVG_NS}}}title")
        title.text = label
        root.insert(0, title)
    # Size comes from the stylesheet; the viewBox keeps the proportions.
    root.attrib.pop("width", None)
    root.attrib.pop("height", None)
    root.set("class", "chart-svg")
    # Serialised by ElementTree, so every text and attribute value is escaped: labels such as
    # focus-tag names cannot inject markup.
    return mark_safe(ET.tostring(root, encoding="unicode"))


def _clean(element, prefix: str, ids: set[str]) -> None:
    for child in list(element):
        local = child.tag.split("}", 1)[-1] if isinstance(child.tag, str) else ""
        if local not in ALLOWED_ELEMENTS:
            element.remove(child)
            continue
        _clean(child, prefix, ids)
    style = element.attrib.pop("style", "")
    for declaration in style.split(";"):
        name, _, value = declaration.partition(":")
        name, value = name.strip(), value.strip()
        if name == "font-family" and value.endswith("-Bold"):  # reportlab names the bold face
            value = value.removesuffix("-Bold")
            element.set("font-weight", "bold")
        if name in STYLE_PROPERTIES and name not in element.attrib:
            element.set(name, value)
    for name, value in list(element.attrib.items()):
        if name == "class" or name not in ALLOWED_ATTRIBUTES or not _SAFE_VALUE.match(value):
            del element.attrib[name]
            continue
        if name == "transform" and not value.strip():
            del element.attrib[name]
        elif name == "id":
            element.set(name, f"{prefix}-{value}")
        elif "url(" in value:
            match = _LOCAL_REF.match(value.strip())
            if match and match.group(1) in ids:
                element.set(name, f"url(#{prefix}-{match.group(1)})")
            else:
                del element.attrib[name]
