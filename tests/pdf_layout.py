"""Layout checks of a real PDF, from the text and the shapes pdfplumber reads out of it.

What a reader of a printed report would notice: two words printed over each other, a word over a
chart's bar, a word off the page or in the margin, a table heading broken inside a word, a chart
bar without its number, a last page with next to nothing on it.
"""

import itertools
from dataclasses import dataclass

import pdfplumber
from reportlab.lib.units import mm

from reports import charts
from reports.pdf.style import MARGIN_X

# Bars of the charts, by their fill colour as pdfplumber reads it (r, g, b in 0..1).
BAR_COLOURS = {
    tuple(round(c, 3) for c in (colour.red, colour.green, colour.blue))
    for colour in [*charts.STATE_COLOURS, *charts.SERIES_COLOURS]
}
BANNER_ZONE = 40 * mm  # the handling banner at the top of every page has the colour of a bar
TOLERANCE = 0.6  # points: glyph boxes of neighbouring words may touch


@dataclass
class Problem:
    page: int
    what: str

    def __str__(self):
        return f"page {self.page}: {self.what}"


def words_of(page):
    return page.extract_words(extra_attrs=["fontname", "size"], keep_blank_chars=False)


def _overlap(a, b, *, tolerance=TOLERANCE) -> bool:
    return (min(a["x1"], b["x1"]) - max(a["x0"], b["x0"]) > tolerance
            and min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > tolerance)


def bars_of(page) -> list[dict]:
    """The chart bars on a page (legend swatches, small squares, left out)."""
    bars = []
    for rect in page.rects:
        colour = rect.get("non_stroking_color")
        if not isinstance(colour, tuple | list) or len(colour) != 3:
            continue
        if tuple(round(c, 3) for c in colour) not in BAR_COLOURS or rect["top"] < BANNER_ZONE:
            continue
        if abs(rect["width"] - rect["height"]) < 0.5 and rect["width"] <= 10:
            continue  # a legend swatch
        bars.append(rect)
    return bars


def overlapping_words(pdf) -> list[Problem]:
    problems = []
    for number, page in enumerate(pdf.pages, start=1):
        words = sorted(words_of(page), key=lambda w: w["x0"])
        for i, a in enumerate(words):
            for b in itertools.islice(words, i + 1, None):
                if b["x0"] >= a["x1"]:
                    break
                if _overlap(a, b):
                    problems.append(Problem(number, f"“{a['text']}” and “{b['text']}” overlap"))
    return problems


def words_over_bars(pdf) -> list[Problem]:
    problems = []
    for number, page in enumerate(pdf.pages, start=1):
        bars = bars_of(page)
        for word in words_of(page):
            for bar in bars:
                if _overlap(word, bar):
                    problems.append(Problem(number, f"“{word['text']}” is printed over a chart bar"))
    return problems


def words_outside_the_body(pdf) -> list[Problem]:
    """Any word off the page or in the side margins (the running head and footer keep to them too)."""
    problems = []
    for number, page in enumerate(pdf.pages, start=1):
        left, right = MARGIN_X - 1, page.width - MARGIN_X + 1
        for word in words_of(page):
            if word["x0"] < left or word["x1"] > right or word["top"] < 0 or word["bottom"] > page.height:
                where = f"{word['x0']:.0f}–{word['x1']:.0f}"
                problems.append(Problem(number, f"“{word['text']}” leaves the body ({where})"))
    return problems


def bars_without_values(pdf) -> list[Problem]:
    """Each bar ends at its number (right of a horizontal bar, above a vertical one), or at the next
    segment of the same stacked bar."""
    problems = []
    for number, page in enumerate(pdf.pages, start=1):
        bars = bars_of(page)
        numbers = [w for w in words_of(page) if w["text"].replace("\u202f", "").isdigit()]
        for bar in bars:
            middle = (bar["top"] + bar["bottom"]) / 2
            right = any(0 <= w["x0"] - bar["x1"] <= 12 and w["top"] - 2 <= middle <= w["bottom"] + 2 for w in numbers)
            centre = (bar["x0"] + bar["x1"]) / 2
            above = any(0 <= bar["top"] - w["bottom"] <= 12 and w["x0"] - 2 <= centre <= w["x1"] + 2 for w in numbers)
            stacked = any(other is not bar and abs(other["x0"] - bar["x1"]) < 0.5
                          and abs(other["top"] - bar["top"]) < 0.5 for other in bars)
            if not (right or above or stacked):
                problems.append(Problem(number, f"a bar at ({bar['x0']:.0f}, {bar['top']:.0f}) carries no value"))
    return problems


def broken_header_words(pdf, vocabulary: set[str], *, size: float = 7.5) -> list[Problem]:
    """Every bold word at the tables' size (headings of columns, total rows) is a whole word of a label."""
    problems = []
    for number, page in enumerate(pdf.pages, start=1):
        for word in words_of(page):
            if "Bold" not in word["fontname"] or abs(word["size"] - size) > 0.05:
                continue
            text = word["text"]
            if text not in vocabulary and not text.replace("\u202f", "").isdigit():
                problems.append(Problem(number, f"table heading word “{text}” is not a word of any label"))
    return problems


def last_page_fill(pdf, *, top_reserved: float, bottom_reserved: float) -> float:
    """How far down the body of the last page its text reaches (0 to 1)."""
    page = pdf.pages[-1]
    body_top, body_bottom = top_reserved, page.height - bottom_reserved
    bottoms = [w["bottom"] for w in words_of(page) if body_top <= w["top"] and w["bottom"] <= body_bottom]
    return (max(bottoms, default=body_top) - body_top) / (body_bottom - body_top)


def open_pdf(path):
    return pdfplumber.open(path)
