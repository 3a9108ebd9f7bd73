"""What every ActionDay PDF shares: the handling marking, the page frame and the common blocks.

Every page carries, top and bottom, the handling code of the most restrictive case the report
contains (with the free-text restrictions of H3 cases), the operation code, the generation time
and "page X of Y"; the last page carries the report's own identifier. The page furniture is drawn
once the whole document is laid out (``_NumberedCanvas``), which is how "of Y" is known.
"""

import datetime as dt
import io
import time
from dataclasses import dataclass, field
from functools import partial

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, CondPageBreak, Frame, KeepTogether, PageTemplate, Paragraph, Spacer
from reportlab.platypus.flowables import HRFlowable

from .style import (
    BODY_WIDTH,
    FONT,
    FONT_BOLD,
    INK,
    MARGIN_X,
    MUTED,
    NAVY,
    PAGE,
    RULE,
    _style,
    escape,
    fmt_time,
    para,
    register_fonts,
)
from .tables import data_table, facts_table, wrap_text

# --- handling codes ------------------------------------------------------------------------------

# From least to most restrictive. H0 (law enforcement use only) is the floor every record has.
# H1 forbids one use (judicial proceedings) without the owner's consent; H2 forbids passing the
# information on at all without it — which includes passing it to a court — so H2 binds more than
# H1. H3 carries restrictions written out in free text that cannot be ranked against the others;
# whoever reads it must read them, so it ranks highest and its texts are printed with it.
HANDLING_ORDER = ["H0", "H1", "H2", "H3"]
HANDLING_TEXT = {
    "H0": "Law enforcement use only",
    "H1": "Not for use in judicial proceedings without the owner's consent",
    "H2": "Not to be passed on without the owner's consent",
    "H3": "Other restrictions apply",
}
HANDLING_COLOUR = {
    "H0": colors.HexColor("#1f4e9c"),
    "H1": colors.HexColor("#9a6700"),
    "H2": colors.HexColor("#a4262c"),
    "H3": colors.HexColor("#6b1d5e"),
}


@dataclass
class Handling:
    """The marking of a whole report: its most restrictive code and every H3 restriction in it."""

    code: str = "H0"
    # (case reference, restriction text) of every H3 case the report contains.
    restrictions: list[tuple[str, str]] = field(default_factory=list)
    cases: int = 0
    note: str = ""

    @property
    def text(self) -> str:
        return HANDLING_TEXT[self.code]

    @classmethod
    def of_cases(cls, rows, *, note: str = "") -> "Handling":
        """From (reference, handling_code, handling_restrictions) rows of the cases in the report."""
        code, restrictions, count = "H0", [], 0
        for reference, case_code, text in rows:
            count += 1
            if HANDLING_ORDER.index(case_code) > HANDLING_ORDER.index(code):
                code = case_code
            if case_code == "H3" and text:
                restrictions.append((reference, text))
        return cls(code=code, restrictions=restrictions, cases=count, note=note)


def handling_label(code: str) -> str:
    return f"{code} — {HANDLING_TEXT[code]}"


# --- the document --------------------------------------------------------------------------------


@dataclass
class ReportMeta:
    """What the page furniture prints."""

    report_id: str
    kind_label: str  # "Case file", "Operation summary", "Country-team report"
    scope: str  # "C-7KQ2MXPA", "THB-AW-2026", "Team Germany (DE)"
    operation_code: str
    operation_name: str
    generated_at: dt.datetime
    requested_by: str
    handling: Handling


# The whole restriction text is printed in the banner on every page up to this length; beyond it the
# banner points to the handling section, which prints every restriction in full.
BANNER_RESTRICTIONS_MAX = 420


def _banner_restrictions(handling: Handling) -> str:
    if handling.code != "H3" or not handling.restrictions:
        return ""
    texts = list(dict.fromkeys(text for _, text in handling.restrictions))
    joined = " · ".join(texts)
    if len(joined) > BANNER_RESTRICTIONS_MAX:
        return (f"{len(texts)} different H3 restrictions apply to cases in this report: every one is printed in "
                "full in the section “Handling” on page 1 and must be read before any use.")
    return "Restrictions: " + joined


FOOTER_TOP = 16 * mm  # the baseline of the footer's first line


def _fitting_size(texts: list[str], font: str, size: float, width: float) -> float:
    """The largest size up to ``size`` at which the texts fit side by side in ``width``."""
    natural = sum(pdfmetrics.stringWidth(text, font, size) for text in texts)
    return size if natural <= width else max(5.5, size * width / natural)


class _Furniture:
    """Draws the header banner and the footer of one page."""

    banner_style = _style("banner", fontName=FONT_BOLD, fontSize=9, leading=11, textColor=colors.white)
    restriction_style = _style("banner_r", fontSize=7.5, leading=9.5, textColor=colors.white)

    def __init__(self, meta: ReportMeta):
        self.meta = meta
        code = meta.handling.code
        self.colour = HANDLING_COLOUR[code]
        self.title = Paragraph(
            f"HANDLING CODE {code} · {escape(meta.handling.text.upper())}", self.banner_style
        )
        restrictions = _banner_restrictions(meta.handling)
        self.restrictions = Paragraph(escape(restrictions), self.restriction_style) if restrictions else None
        inner = BODY_WIDTH - 6 * mm
        self.title_h = self.title.wrap(inner, 100)[1]
        self.restr_h = self.restrictions.wrap(inner, 500)[1] if self.restrictions else 0
        self.banner_h = self.title_h + self.restr_h + 4 * mm + (1 * mm if self.restrictions else 0)

    @property
    def top_reserved(self) -> float:
        return 10 * mm + self.banner_h + 9 * mm

    bottom_reserved = FOOTER_TOP + 9 * mm

    def draw(self, canvas: Canvas, page: int, total: int) -> None:
        meta = self.meta
        width, height = PAGE
        canvas.saveState()
        # Banner with the handling code (and H3 restrictions), full body width, top of page.
        top = height - 10 * mm
        canvas.setFillColor(self.colour)
        canvas.rect(MARGIN_X, top - self.banner_h, BODY_WIDTH, self.banner_h, stroke=0, fill=1)
        y = top - 2 * mm - self.title_h
        self.title.drawOn(canvas, MARGIN_X + 3 * mm, y)
        if self.restrictions:
            y -= 1 * mm + self.restr_h
            self.restrictions.drawOn(canvas, MARGIN_X + 3 * mm, y)
        # Running head: who made it, what it is (the scope once, when it is the operation itself).
        head_y = top - self.banner_h - 5 * mm
        canvas.setFillColor(NAVY)
        left = f"ActionDay · {meta.kind_label}"
        right = f"Operation {meta.operation_code}" if meta.scope == meta.operation_code else meta.scope
        size = _fitting_size([left, right], FONT_BOLD, 8.5, BODY_WIDTH - 8 * mm)
        canvas.setFont(FONT_BOLD, size)
        canvas.drawString(MARGIN_X, head_y, left)
        canvas.drawRightString(width - MARGIN_X, head_y, right)
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.6)
        canvas.line(MARGIN_X, head_y - 2 * mm, width - MARGIN_X, head_y - 2 * mm)

        # Footer, three lines so that a 40-character operation code never meets the rest: the
        # handling code and the page; the operation and the generation time; the report identifier.
        foot_y = FOOTER_TOP
        canvas.line(MARGIN_X, foot_y + 4 * mm, width - MARGIN_X, foot_y + 4 * mm)
        canvas.setFont(FONT_BOLD, 8)
        canvas.setFillColor(self.colour)
        canvas.drawString(MARGIN_X, foot_y, f"Handling code {meta.handling.code}")
        canvas.setFillColor(INK)
        canvas.drawRightString(width - MARGIN_X, foot_y, f"Page {page} of {total}")
        canvas.setFont(FONT, 7.5)
        canvas.drawString(MARGIN_X, foot_y - 4 * mm,
                          f"Operation {meta.operation_code} · generated {fmt_time(meta.generated_at)}")
        canvas.setFont(FONT, 7)
        canvas.setFillColor(MUTED)
        if page == total:
            canvas.drawString(
                MARGIN_X, foot_y - 8 * mm,
                f"Last page. Report identifier {meta.report_id} — its SHA-256 is recorded in ActionDay, "
                "not in this file.",
            )
        else:
            canvas.drawString(MARGIN_X, foot_y - 8 * mm, f"Report identifier {meta.report_id}")
        canvas.restoreState()


class _NumberedCanvas(Canvas):
    """Keeps each page until the end, then draws the furniture knowing the page count."""

    def __init__(self, *args, furniture: _Furniture, **kwargs):
        super().__init__(*args, **kwargs)
        self._furniture = furniture
        self._saved_pages: list[dict] = []

    def showPage(self):  # noqa: N802 - reportlab's name
        self._saved_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._saved_pages)
        for number, state in enumerate(self._saved_pages, start=1):
            self.__dict__.update(state)
            self._furniture.draw(self, number, total)
            Canvas.showPage(self)
        Canvas.save(self)


class ReportDocument(BaseDocTemplate):
    """A4 portrait with the ActionDay page furniture; ``on_page(n)`` is called after each page."""

    def __init__(self, out, *, meta: ReportMeta, on_page=None):
        register_fonts()
        self.meta = meta
        self.furniture = _Furniture(meta)
        self.on_page = on_page
        super().__init__(
            out,
            pagesize=PAGE,
            leftMargin=MARGIN_X,
            rightMargin=MARGIN_X,
            topMargin=self.furniture.top_reserved,
            bottomMargin=self.furniture.bottom_reserved,
            title=f"{meta.kind_label} {meta.scope} — {meta.operation_code}",
            author="ActionDay",
            subject=f"{meta.kind_label}; handling code {meta.handling.code}",
            creator="ActionDay",
            keywords=f"report {meta.report_id}",
            # Not reportlab's default Helvetica, which is not embedded: every font in the file is.
            initialFontName=FONT,
        )
        frame = Frame(
            self.leftMargin, self.bottomMargin, self.width, self.height, id="body",
            leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0,
        )
        self.addPageTemplates([PageTemplate(id="page", frames=[frame])])

    def afterPage(self):  # noqa: N802 - reportlab's name
        if self.on_page:
            self.on_page(self.page)

    def afterFlowable(self, flowable):  # noqa: N802 - reportlab's name
        if getattr(self, "frame", None) is not None:
            self.last_position = (self.page, self.frame._y)

    @property
    def last_page_fill(self) -> float:
        """How much of the last page's body the text fills (0 to 1), once rendered."""
        page, y = getattr(self, "last_position", (0, 0))
        frame = self.pageTemplate.frames[0]
        return (frame._y1 + frame._height - y) / frame._height

    def render(self, flowables) -> None:
        self.build(flowables, canvasmaker=partial(_NumberedCanvas, furniture=self.furniture))


# --- building blocks -----------------------------------------------------------------------------


def cover(meta: ReportMeta, *, title: str, subtitle: str, facts: list[tuple[str, str]]) -> list:
    """The first lines of page 1: kind, title, and a block of facts (label, value)."""
    out = [
        para(meta.kind_label.upper(), "kicker"),
        para(title, "title"),
        para(subtitle, "subtitle"),
    ]
    out.append(facts_table(facts))
    return out


def section(number: int | str, title: str) -> list:
    """A numbered section heading; never left alone at the foot of a page."""
    return [
        CondPageBreak(30 * mm),
        para(f"{number}. {title}" if number != "" else title, "h1"),
        HRFlowable(width="100%", thickness=0.8, color=NAVY, spaceBefore=0, spaceAfter=4),
    ]


def empty(text: str) -> Paragraph:
    return para(text, "empty")


def handling_section(number: int, handling: Handling, *, what: str) -> list:
    """The handling marking explained, with every H3 restriction in full."""
    out = section(number, "Handling")
    out.append(para(
        f"This {what} is marked {handling_label(handling.code)}. {handling.note}".strip(), "body"
    ))
    out.append(para(
        "Order of restriction used for the marking: H0 (law enforcement use only) < H1 (not for judicial "
        "proceedings without the owner's consent) < H2 (not to be passed on without the owner's consent) "
        "< H3 (other restrictions, written out). Every page carries the most restrictive code of the cases "
        "this document contains.", "small",
    ))
    if handling.restrictions:
        out.append(Spacer(1, 4))
        rows = [[ref, wrap_text(text, 130 * mm, size=7.5)] for ref, text in handling.restrictions]
        out.append(data_table(["Case", "H3 restrictions (binding)"], rows, [30, 150]))
    return out


def closing_block(meta: ReportMeta) -> list:
    """The end of the report: its identifier, and why its own hash is not inside it."""
    rows = [
        ("Report identifier", meta.report_id),
        ("Requested by", meta.requested_by),
        ("Generated", fmt_time(meta.generated_at)),
        ("Handling code", handling_label(meta.handling.code)),
        ("Integrity", "The SHA-256 hash of this PDF file is computed once the file is complete, so it cannot be "
                      "printed inside the file itself. ActionDay records it with the report identifier above and "
                      "shows it next to the download link; compare it with the hash of the copy you hold "
                      "(for example with sha256sum)."),
    ]
    return [Spacer(1, 8), KeepTogether([*section("", "End of report"), facts_table(rows)])]


class Progress:
    """Reports build progress to a callback, at most once a second (each call is a database write)."""

    def __init__(self, callback, *, start: int, end: int, expected_pages: int):
        self.callback, self.start, self.end = callback, start, end
        self.expected = max(1, expected_pages)
        self.last = 0.0

    def __call__(self, page: int) -> None:
        now = time.monotonic()
        if self.callback is None or now - self.last < 1.0:
            return
        self.last = now
        share = min(1.0, page / self.expected)
        self.callback(int(self.start + (self.end - self.start) * share))


# A last page filled less than this is balanced by starting a closing section on a new page.
LAST_PAGE_MIN_FILL = 0.3


def balanced_story(meta: ReportMeta, make_story, sections: list) -> list:
    """``make_story(break_before)``, with a page break before one of the last ``sections`` when that keeps
    the last page from being nearly empty (a lone closing block) without adding a page.

    Each try lays the whole report out once more in memory: a summary is a few pages.
    """
    story = make_story(None)
    pages, fill = _trial(meta, story)
    if pages < 2 or fill >= LAST_PAGE_MIN_FILL:
        return make_story(None)
    for name in reversed(sections):
        candidate = make_story(name)
        tried_pages, tried_fill = _trial(meta, candidate)
        if tried_pages <= pages and tried_fill >= LAST_PAGE_MIN_FILL:
            return make_story(name)
    return make_story(None)


def _trial(meta: ReportMeta, story) -> tuple[int, float]:
    doc = ReportDocument(io.BytesIO(), meta=meta)
    doc.render(story)
    return doc.page, doc.last_page_fill
