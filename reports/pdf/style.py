"""Fonts, colours and text styles of the ActionDay PDFs.

DejaVu Sans is embedded (subset) so that every EU language, Greek and Cyrillic print and extract
as text — the PDF standard fonts (Helvetica) cover Latin-1 only, and are not embedded.
"""

import datetime as dt
from pathlib import Path

from django.conf import settings
from reportlab.graphics.shapes import Drawing, Group, String, UserNode
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph

# --- fonts ---------------------------------------------------------------------------------------

FONT_DIR = Path(getattr(settings, "REPORT_FONT_DIR", "/usr/share/fonts/truetype/dejavu"))
FONT, FONT_BOLD, FONT_MONO = "DejaVuSans", "DejaVuSans-Bold", "DejaVuSansMono"
_FONT_FILES = {FONT: "DejaVuSans.ttf", FONT_BOLD: "DejaVuSans-Bold.ttf", FONT_MONO: "DejaVuSansMono.ttf"}


class FontMissing(RuntimeError):
    """The Unicode font is not installed; a report without it would drop names it cannot print."""


def register_fonts() -> None:
    """Register DejaVu with reportlab once per process (reportlab embeds the glyphs used)."""
    registered = set(pdfmetrics.getRegisteredFontNames())
    for name, filename in _FONT_FILES.items():
        if name in registered:
            continue
        path = FONT_DIR / filename
        if not path.exists():
            raise FontMissing(f"Font {path} is missing: install Debian's fonts-dejavu-core.")
        pdfmetrics.registerFont(TTFont(name, str(path)))
    # fonts-dejavu-core has no oblique face: <i> falls back to the upright one.
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)


def with_report_fonts(drawing: Drawing) -> Drawing:
    """The chart with its Helvetica labels set in the embedded DejaVu (same geometry otherwise).

    The charts are shared with the dashboard (reports/charts.py), which draws them in Helvetica;
    a PDF of ours embeds every font it uses, so the labels are switched here, not there.
    """
    expanded = _in_dejavu(drawing.expandUserNodes())
    expanded.initialFontName = FONT  # the renderer's starting font, Helvetica otherwise
    return expanded


def _in_dejavu(node):
    # Widgets (axes, labels, legends) may hand out further widgets: expand all the way down.
    if isinstance(node, UserNode):
        node = node.provideNode()
    if isinstance(node, Group):
        node.contents = [_in_dejavu(child) for child in node.contents]
    elif isinstance(node, String):
        node.fontName = FONT_BOLD if node.fontName.endswith("-Bold") else FONT
    return node


# --- colours and styles --------------------------------------------------------------------------

NAVY = colors.HexColor("#14213d")
INK = colors.HexColor("#1d2433")
MUTED = colors.HexColor("#5b6477")
RULE = colors.HexColor("#b8c0cc")
HEAD_BG = colors.HexColor("#e4e8ef")
ZEBRA = colors.HexColor("#f5f7fa")
MUTED_ZERO = colors.HexColor("#a0a8b8")

PAGE = A4
MARGIN_X = 18 * mm
BODY_WIDTH = PAGE[0] - 2 * MARGIN_X


def _style(name, **kw) -> ParagraphStyle:
    base = {"fontName": FONT, "fontSize": 9, "leading": 12, "textColor": INK, "alignment": TA_LEFT}
    return ParagraphStyle(name, **(base | kw))


STYLES = {
    "kicker": _style("kicker", fontName=FONT_BOLD, fontSize=9, textColor=MUTED, leading=12),
    "title": _style("title", fontName=FONT_BOLD, fontSize=20, leading=24, textColor=NAVY, spaceAfter=2),
    "subtitle": _style("subtitle", fontSize=12, leading=16, textColor=INK, spaceAfter=8),
    "h1": _style("h1", fontName=FONT_BOLD, fontSize=12.5, leading=16, textColor=NAVY, spaceBefore=10, spaceAfter=3),
    "h2": _style("h2", fontName=FONT_BOLD, fontSize=10, leading=13, textColor=NAVY, spaceBefore=6, spaceAfter=2),
    "body": _style("body", spaceAfter=4),
    "small": _style("small", fontSize=7.5, leading=9.5, textColor=MUTED),
    "cell": _style("cell", fontSize=8, leading=10),
    "cell_bold": _style("cell_bold", fontName=FONT_BOLD, fontSize=8, leading=10),
    "headline": _style("headline", fontSize=12, leading=16, spaceAfter=3, leftIndent=10),
    "press": _style("press", fontSize=9.5, leading=13.5, spaceAfter=4),
    "empty": _style("empty", textColor=MUTED, spaceAfter=4),
}


def para(text: str, style: str = "body") -> Paragraph:
    """A paragraph of plain text: the text is escaped, so a suspect's alias cannot inject markup."""
    return Paragraph(escape(text), STYLES[style])


def escape(text) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def fmt_time(moment) -> str:
    """UTC, to the second: what a court asks ("at what time exactly")."""
    if moment is None:
        return "—"
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def fmt_day(moment) -> str:
    return moment.astimezone(dt.UTC).strftime("%d %b %Y") if moment else "—"
