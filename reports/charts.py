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
import re
import secrets
import xml.etree.ElementTree as ET

from django.utils.safestring import SafeString, mark_safe
from reportlab.graphics import renderSVG
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors

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

# The longest span the hourly chart draws (two weeks of hours); older hours are left off.
MAX_HOURS = 14 * 24


def _title(drawing: Drawing, text: str) -> None:
    drawing.add(String(0, drawing.height - 12, text, fontName=FONT + "-Bold", fontSize=11, fillColor=INK))


def _style_axes(chart) -> None:
    for axis in (chart.categoryAxis, chart.valueAxis):
        axis.strokeColor = MUTED
        axis.labels.fontName = FONT
        axis.labels.fontSize = 9
        axis.labels.fillColor = INK
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = GRID
    chart.valueAxis.forceZero = True
    chart.valueAxis.valueMin = 0
    chart.categoryAxis.tickShift = 0
    if isinstance(chart, HorizontalBarChart):
        chart.categoryAxis.labels.dx = -3  # room for browsers' wider fonts between label and bar


def _nice_step(largest: int) -> int:
    """A whole-number value step with at most about six grid lines."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000):
        if largest / step <= 6:
            return step
    return max(1, largest // 5)


def _legend(drawing: Drawing, x: float, y: float, pairs, *, column_width: float = 170) -> None:
    """Two rows of swatches; fixed column widths, since browsers set the text in a wider font."""
    legend = Legend()
    legend.x, legend.y = x, y
    legend.alignment = "right"
    legend.columnMaximum = 2
    legend.variColumn = False
    legend.deltax = column_width
    legend.deltay = 11
    legend.dxTextSpace = 4
    legend.dx = legend.dy = 8
    legend.fontName = FONT
    legend.fontSize = 9
    legend.fillColor = INK
    legend.strokeColor = None
    legend.colorNamePairs = list(pairs)
    drawing.add(legend)


def _empty(drawing: Drawing, text: str) -> Drawing:
    drawing.add(String(drawing.width / 2, drawing.height / 2, text, fontName=FONT, fontSize=10,
                       fillColor=MUTED, textAnchor="middle"))
    return drawing


# --- the charts --------------------------------------------------------------------------------


def checks_progress_chart(figures: dict, *, width: float = 460) -> Drawing:
    """Platform checks of each country team by state: one stacked horizontal bar per team."""
    keys = ["checks_planned", "checks_in_progress", "checks_clean", "checks_with_indications"]
    teams = [(team, row) for team, row in figures["per_team"].items() if any(row.get(k) for k in keys)]
    bar, top, bottom = 14, 22, 50
    height = top + bottom + max(1, len(teams)) * (bar + 4)
    drawing = Drawing(width, height)
    _title(drawing, "Platform checks by country team")
    if not teams:
        return _empty(drawing, "No platform checks planned yet")
    chart = HorizontalBarChart()
    chart.x, chart.y = 36, bottom
    chart.width, chart.height = width - chart.x - 10, height - top - bottom
    # reportlab draws the first category at the bottom: reverse, so teams read A→Z downwards.
    teams.reverse()
    chart.data = [[row.get(key, 0) for _, row in teams] for key in keys]
    chart.categoryAxis.categoryNames = [team for team, _ in teams]
    chart.categoryAxis.style = "stacked"
    chart.barSpacing = 0
    chart.groupSpacing = 4
    _style_axes(chart)
    largest = max(sum(row.get(k, 0) for k in keys) for _, row in teams)
    chart.valueAxis.valueMax = max(1, largest)
    chart.valueAxis.valueStep = _nice_step(largest)
    for index, colour in enumerate(STATE_COLOURS):
        chart.bars[index].fillColor = colour
        chart.bars[index].strokeColor = None
    drawing.add(chart)
    _legend(drawing, chart.x, 22, zip(STATE_COLOURS, STATE_LABELS, strict=True))
    return drawing


def hour_series(figures: dict, *, starts_at: dt.datetime, ends_at: dt.datetime) -> list[tuple[dt.datetime, int]]:
    """Findings per hour with the empty hours filled in.

    The span is the operation's own (start to end) when every finding falls inside it, so a big
    screen shows how far through the day or week the operation is; otherwise it is the span of
    the findings. At most the last ``MAX_HOURS`` hours.
    """
    counts = {dt.datetime.fromisoformat(row["hour"]): row["findings"] for row in figures["timeline"]}
    first = starts_at.replace(minute=0, second=0, microsecond=0)
    last = ends_at.replace(minute=0, second=0, microsecond=0)
    if counts and (min(counts) < first or max(counts) > last):
        first, last = min(counts), max(counts)
    first = max(first, last - dt.timedelta(hours=MAX_HOURS - 1))
    hours = int((last - first).total_seconds() // 3600) + 1
    return [(first + dt.timedelta(hours=h), counts.get(first + dt.timedelta(hours=h), 0)) for h in range(hours)]


def findings_per_hour_chart(figures: dict, *, starts_at, ends_at, width: float = 460, height: float = 200) -> Drawing:
    """Findings logged per hour (cases, suspects, victims, URLs, accounts) over the operation."""
    series = hour_series(figures, starts_at=starts_at, ends_at=ends_at)
    drawing = Drawing(width, height)
    _title(drawing, "Findings logged per hour (UTC)")
    chart = VerticalBarChart()
    chart.x, chart.y = 36, 30
    chart.width, chart.height = width - chart.x - 10, height - chart.y - 24
    chart.data = [[n for _, n in series]]
    # Label about a dozen hours, with the weekday once the chart spans more than a few hours.
    step = next((s for s in (1, 2, 3, 6, 12, 24, 48) if len(series) / s <= 12), 72)
    label = "%a %d" if step >= 24 else "%a %Hh" if step >= 6 else "%Hh"
    chart.categoryAxis.categoryNames = [
        hour.strftime(label) if index % step == 0 else "" for index, (hour, _) in enumerate(series)
    ]
    chart.barSpacing = 0
    chart.groupSpacing = 1 if len(series) > 48 else 2
    _style_axes(chart)
    chart.categoryAxis.labels.boxAnchor = "n"
    chart.categoryAxis.tickDown = 0
    largest = max((n for _, n in series), default=0)
    chart.valueAxis.valueMax = max(1, largest)
    chart.valueAxis.valueStep = _nice_step(largest)
    chart.bars[0].fillColor = SERIES_COLOURS[0]
    chart.bars[0].strokeColor = None
    drawing.add(chart)
    return drawing


def platforms_by_category_chart(figures: dict, *, width: float = 460) -> Drawing:
    """Platforms monitored, checked and with indications, per platform category."""

    labels = dict(Platform.Category.choices)
    rows = figures["breakdowns"].get("platforms_by_category", {}).items()
    rows = sorted(rows, key=lambda item: labels.get(item[0], item[0]))
    keys = ["platforms_monitored", "platforms_checked", "platforms_with_indications"]
    top, bottom, group = 22, 50, 30
    height = top + bottom + max(1, len(rows)) * group
    drawing = Drawing(width, height)
    _title(drawing, "Platforms by category")
    if not rows:
        return _empty(drawing, "No platform monitored yet")
    rows.reverse()
    chart = HorizontalBarChart()
    chart.x, chart.y = 112, bottom
    chart.width, chart.height = width - chart.x - 10, height - top - bottom
    # reportlab draws a group's first series at the bottom: reversed, "monitored" comes first.
    chart.data = [[row.get(key, 0) for _, row in rows] for key in reversed(keys)]
    chart.categoryAxis.categoryNames = [labels.get(category, category) for category, _ in rows]
    chart.barSpacing = 0
    chart.groupSpacing = 6
    _style_axes(chart)
    largest = max(row.get("platforms_monitored", 0) for _, row in rows)
    chart.valueAxis.valueMax = max(1, largest)
    chart.valueAxis.valueStep = _nice_step(largest)
    for index, colour in enumerate(reversed(SERIES_COLOURS)):
        chart.bars[index].fillColor = colour
        chart.bars[index].strokeColor = None
    drawing.add(chart)
    names = ["Monitored", "Checked", "With indications"]
    _legend(drawing, chart.x, 22, zip(SERIES_COLOURS, names, strict=True), column_width=120)
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
