"""Tables of the ActionDay PDFs: facts (label, value), small styled tables, and long lists.

Long lists (thousands of URLs, a long audit timeline) are drawn by ``ListTable``, not by
reportlab's Table: its rows are plain strings wrapped beforehand, their heights are known, a page
break is an index into the rows, and each page's text goes out as one text object. Table would
re-measure and copy the remaining rows at every page break (quadratic in the rows).
"""

import bisect
import functools
import itertools

from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable, Table, TableStyle

from .style import BODY_WIDTH, FONT, FONT_BOLD, FONT_MONO, HEAD_BG, INK, MUTED_ZERO, NAVY, RULE, ZEBRA, para


def facts_table(facts: list[tuple[str, str]], *, label_width: float = 45 * mm) -> Table:
    rows = [[para(label, "cell_bold"), para(value or "—", "cell")] for label, value in facts]
    table = Table(rows, colWidths=[label_width, BODY_WIDTH - label_width], hAlign="LEFT")
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), FONT, 8),  # reportlab's cell default is Helvetica, which is not embedded
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("BACKGROUND", (0, 0), (0, -1), ZEBRA),
    ]))
    return table




@functools.lru_cache(maxsize=4096)  # platform names, people, dates: the same cells come back thousands of times
def wrap_text(text: str, width: float, *, font: str = FONT, size: float = 7.5, max_lines: int = 0,
              break_words: bool = True) -> str:
    """Break ``text`` into lines that fit ``width`` points, breaking long words (URLs) anywhere — or,
    with ``break_words=False``, at spaces only (a word wider than the line gets a line of its own).

    Table cells holding plain strings with newlines are far cheaper for reportlab than Paragraphs,
    which matters for a case file with thousands of URLs.
    """
    text = " ".join(str(text).split())
    if not text:
        return ""
    width_of = pdfmetrics.stringWidth
    if width_of(text, font, size) <= width:
        return text  # the common case, and one measurement
    lines, line = [], ""
    for word in text.split(" "):
        candidate = f"{line} {word}" if line else word
        if width_of(candidate, font, size) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
            line = ""
        # A word longer than the line (a URL, a hash) is cut where it reaches the edge.
        while break_words and width_of(word, font, size) > width:
            low, high = 1, len(word) - 1  # the longest prefix that fits (at least one character)
            while low < high:
                middle = (low + high + 1) // 2
                if width_of(word[:middle], font, size) <= width:
                    low = middle
                else:
                    high = middle - 1
            lines.append(word[:low])
            word = word[low:]
        line = word
    if line:
        lines.append(line)
    if max_lines and len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: max(0, len(lines[-1]) - 1)] + "…"
    return "\n".join(lines)


CELL_PADDING = 4.5  # top + bottom
SIDE_PADDING = 6  # left + right of a data_table cell


def widest_word(text: str, *, font: str = FONT, size: float = 7.5) -> float:
    """The width of the longest word of ``text``: the narrowest a column may be without breaking it."""
    words = str(text).split()
    return max((pdfmetrics.stringWidth(word, font, size) for word in words), default=0.0)


def column_minimums(headers: list, rows: list[list], *, size: float = 7.5) -> list[float]:
    """Per column, the width under which a word of its header or of one of its cells would break."""
    minimums = []
    for column, header in enumerate(headers):
        need = widest_word(header, font=FONT_BOLD, size=size) if isinstance(header, str) else 0.0
        for row in rows:
            if isinstance(row[column], str):
                need = max(need, widest_word(row[column], size=size))
        minimums.append(need + SIDE_PADDING + 0.5)
    return minimums


def fit_widths(preferred: list[float], minimums: list[float], total: float) -> list[float]:
    """Widths in the proportions of ``preferred`` that add up to ``total``, none under its minimum.

    When the minimums alone exceed ``total`` they are returned as they are (the table is too wide:
    the caller splits it, or lets long words break).
    """
    if sum(minimums) >= total:
        return list(minimums)
    fixed: dict[int, float] = {}
    while True:
        free = [i for i in range(len(preferred)) if i not in fixed]
        room = total - sum(fixed.values())
        scale = room / sum(preferred[i] for i in free)
        short = [i for i in free if preferred[i] * scale < minimums[i]]
        if not short:
            return [fixed.get(i, preferred[i] * scale) for i in range(len(preferred))]
        for i in short:
            fixed[i] = minimums[i]


def data_table(headers: list[str], rows: list[list], widths: list[float], *, mono: tuple[int, ...] = (),
               numeric: tuple[int, ...] = (), size: float = 7.5, total: float = BODY_WIDTH) -> Table:
    """A list table: bold header repeated on every page, thin rules, zebra rows.

    Cells are plain strings (use ``wrap_text`` for long ones) or flowables. ``widths`` are the
    proportions of the columns; each column is made at least as wide as the longest word of its
    header and its cells, and headers wrap at spaces only, so no word is broken.
    """
    widths = fit_widths(widths, column_minimums(headers, rows, size=size), total)
    headers = [
        wrap_text(h, w - SIDE_PADDING, font=FONT_BOLD, size=size, break_words=False) if isinstance(h, str) else h
        for h, w in zip(headers, widths, strict=True)
    ]
    # Row heights given up front: reportlab would otherwise measure every remaining row again at each
    # page break, which is quadratic in the rows of a long table (5,000 URLs).
    heights = [_row_height(row, size) for row in [headers, *rows]]
    table = Table([headers, *rows], colWidths=widths, rowHeights=heights, repeatRows=1, hAlign="LEFT")
    style = [
        ("FONT", (0, 0), (-1, 0), FONT_BOLD, size),
        ("FONT", (0, 1), (-1, -1), FONT, size),
        ("LEADING", (0, 0), (-1, -1), size + 2),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("BACKGROUND", (0, 0), (-1, 0), HEAD_BG),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, NAVY),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), ["white", ZEBRA]),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), CELL_PADDING / 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), CELL_PADDING / 2),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    for column in mono:
        style.append(("FONT", (column, 1), (column, -1), FONT_MONO, size - 0.5))
    for column in numeric:
        style.append(("ALIGN", (column, 0), (column, -1), "RIGHT"))
        # Zeros in grey: the eye goes to what was found.
        style += [("TEXTCOLOR", (column, r), (column, r), MUTED_ZERO)
                  for r, row in enumerate(rows, start=1) if row[column] == "0"]
    style.append(("VALIGN", (0, 0), (-1, 0), "BOTTOM"))
    table.setStyle(TableStyle(style))
    return table


def _row_height(row, size: float) -> float | None:
    """Lines x leading + padding for a row of plain strings; None (measure it) when a cell is a flowable."""
    lines = 1
    for cell in row:
        if not isinstance(cell, str):
            return None
        lines = max(lines, cell.count("\n") + 1)
    return lines * (size + 2) + CELL_PADDING


def list_table(headers: list[str], rows: list[list[str]], widths: list[float], *, mono: tuple[int, ...] = (),
               numeric: tuple[int, ...] = (), size: float = 7.5) -> "ListTable":
    """A long list that looks like ``data_table``; cells are plain strings, wrapped here to their column."""
    scale = BODY_WIDTH / sum(widths)
    widths = [w * scale for w in widths]
    inner = [w - 2 * ListTable.PAD_X for w in widths]
    headers = [wrap_text(h, w, font=FONT_BOLD, size=size) for h, w in zip(headers, inner, strict=True)]
    fonts = [(FONT_MONO, size - 0.5) if column in mono else (FONT, size) for column in range(len(widths))]
    rows = [
        [_wrap_lines(str(cell), w, *font) for cell, w, font in zip(row, inner, fonts, strict=True)] for row in rows
    ]
    return ListTable(headers, rows, widths, size=size, mono=mono, numeric=numeric)


def _wrap_lines(cell: str, width: float, font: str, size: float) -> str:
    if "\n" not in cell:
        return wrap_text(cell, width, font=font, size=size)
    return "\n".join(wrap_text(line, width, font=font, size=size) for line in cell.split("\n"))


class ListTable(Flowable):
    """Rows of plain strings with a bold header repeated on every page, thin rules and zebra rows."""

    PAD_X = 3

    def __init__(self, headers, rows, widths, *, size, mono=(), numeric=(), bounds=None, offsets=None):
        self.headers, self.rows, self.widths = headers, rows, widths
        self.size, self.leading = size, size + 2
        self.mono, self.numeric = set(mono), set(numeric)
        self.start, self.end = bounds or (0, len(rows))
        self.header_height = self._row_height(headers)
        # offsets[i]: the height of rows [0, i) — shared by every part of a split table.
        self.offsets = offsets or [0, *itertools.accumulate(self._row_height(row) for row in rows)]
        self.width = sum(widths)

    def _row_height(self, row) -> float:
        return max(cell.count("\n") + 1 for cell in row) * self.leading + CELL_PADDING

    def _part(self, start, end) -> "ListTable":
        return ListTable(self.headers, self.rows, self.widths, size=self.size, mono=self.mono, numeric=self.numeric,
                         bounds=(start, end), offsets=self.offsets)

    def wrap(self, available_width, available_height):
        self.height = self.header_height + self.offsets[self.end] - self.offsets[self.start]
        return self.width, self.height

    def split(self, available_width, available_height):
        room = self.offsets[self.start] + available_height - self.header_height
        fits = bisect.bisect_right(self.offsets, room, lo=self.start) - 1  # rows [start, fits) fit
        if fits <= self.start:
            return []  # not one row fits under the header here: the whole list moves on
        if fits >= self.end:
            return [self]
        return [self._part(self.start, fits), self._part(fits, self.end)]

    def draw(self):
        canvas, offsets, width = self.canv, self.offsets, self.width
        top = self.header_height + offsets[self.end] - offsets[self.start]
        body_top = top - self.header_height

        def row_top(index):  # y of the top edge of row ``index``
            return body_top - (offsets[index] - offsets[self.start])

        canvas.saveState()
        canvas.setFillColor(HEAD_BG)
        canvas.rect(0, body_top, width, self.header_height, stroke=0, fill=1)
        canvas.setFillColor(ZEBRA)
        for index in range(self.start, self.end):
            if index % 2:  # the parity of the whole list, so the stripes run on across pages
                height = offsets[index + 1] - offsets[index]
                canvas.rect(0, row_top(index) - height, width, height, stroke=0, fill=1)
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.25)
        canvas.lines([(0, row_top(i + 1), width, row_top(i + 1)) for i in range(self.start, self.end)])
        canvas.setStrokeColor(NAVY)
        canvas.setLineWidth(0.8)
        canvas.line(0, body_top, width, body_top)

        text = canvas.beginText()
        self._font = None
        self._colour = None
        self._cells(text, self.headers, top, header=True)
        for index in range(self.start, self.end):
            self._cells(text, self.rows[index], row_top(index), header=False)
        canvas.drawText(text)
        canvas.restoreState()

    def _cells(self, text, row, top, *, header):
        x = 0.0
        for column, (cell, width) in enumerate(zip(row, self.widths, strict=True)):
            font = FONT_BOLD if header else (FONT_MONO if column in self.mono else FONT)
            size = self.size - 0.5 if font == FONT_MONO else self.size
            colour = MUTED_ZERO if (not header and column in self.numeric and cell == "0") else INK
            if font != self._font:
                text.setFont(font, size)
                self._font = font
            if colour != self._colour:
                text.setFillColor(colour)
                self._colour = colour
            y = top - CELL_PADDING / 2 - self.size
            for line in cell.split("\n"):
                if column in self.numeric:
                    left = x + width - self.PAD_X - pdfmetrics.stringWidth(line, font, size)
                else:
                    left = x + self.PAD_X
                text.setTextOrigin(left, y)
                text.textOut(line)
                y -= self.leading
            x += width

