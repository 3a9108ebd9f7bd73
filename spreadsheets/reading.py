"""Reading an uploaded table — CSV, an Excel workbook (XLSX) or a JSON array of objects — into rows
that know their line.

Shared by every import (findings, an operation's participants, focus tags, the platform catalogue):
a file that cannot be read is refused whole (``ImportRejected``) with each problem and the line it
is on. In a workbook the line is the sheet's row number, as the spreadsheet shows it.
"""

import csv
import datetime as dt
import io
import json
import zipfile
from dataclasses import dataclass

import openpyxl

MAX_BYTES = 20 * 1024 * 1024
# An XLSX file is a zip archive: what it unpacks to is bounded too, so that a small file cannot
# unpack into gigabytes (a "zip bomb").
MAX_UNPACKED_BYTES = 10 * MAX_BYTES
_ZIP_MAGIC = b"PK\x03\x04"


@dataclass
class Problem:
    line: int | None
    field: str
    reason: str


class ImportRejected(Exception):  # noqa: N818 - the file is refused, with every reason
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        found = f"{len(problems)} problem was" if len(problems) == 1 else f"{len(problems)} problems were"
        super().__init__(f"Nothing was imported: {found} found in the file. Correct and import the whole file again.")

    def as_list(self) -> list[dict]:
        return [{"line": p.line, "field": p.field, "reason": p.reason} for p in self.problems]


def _header_name(text: str) -> str:
    return str(text).strip().lower().replace(" ", "_").replace("-", "_")


def _read_csv(text: str) -> tuple[list[str], list[tuple[int, dict]]]:
    """(columns of the header, [(line, row)]); blank rows are skipped, line numbers count them."""
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count) if first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        names = [_header_name(h) for h in next(reader, [])]
        rows, line = [], reader.line_num + 1
        for cells in reader:
            if any(c.strip() for c in cells):
                if len(cells) > len(names):
                    raise ImportRejected([Problem(line, "", f"{len(cells)} cells, but the header names {len(names)}")])
                rows.append((line, dict(zip(names, cells, strict=False))))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise ImportRejected([Problem(reader.line_num, "", f"not readable as CSV ({exc})")]) from None
    return names, rows


def _read_json(text: str) -> list[tuple[int, dict]]:
    """The rows of a JSON array of objects, each with the line its object starts on."""
    decoder = json.JSONDecoder()
    position = len(text) - len(text.lstrip())
    if text[position : position + 1] != "[":
        raise ImportRejected([Problem(1, "", "a JSON import is an array of objects: [{…}, {…}]")])
    position += 1
    rows = []
    while True:
        while position < len(text) and text[position] in " \t\r\n,":
            position += 1
        if position >= len(text):
            raise ImportRejected([Problem(text.count("\n") + 1, "", "the JSON array is not closed")])
        if text[position] == "]":
            break
        line = text.count("\n", 0, position) + 1
        try:
            value, position = decoder.raw_decode(text, position)
        except json.JSONDecodeError as exc:
            raise ImportRejected([Problem(exc.lineno, "", f"not valid JSON ({exc.msg})")]) from None
        if not isinstance(value, dict):
            raise ImportRejected([Problem(line, "", "each element of the array must be an object")])
        rows.append((line, {_header_name(k): v for k, v in value.items()}))
    if text[position + 1 :].strip():
        raise ImportRejected([Problem(text.count("\n", 0, position) + 1, "", "text after the end of the JSON array")])
    return rows


def _cell_text(value) -> str:
    """A cell as the text a CSV would hold: 5 not 5.0, dates in ISO form, no formula (values only)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value).strip()


def _read_xlsx(data: bytes) -> tuple[list[str], list[tuple[int, dict]]]:
    """(columns of the header, [(row number, row)]) of the workbook's first sheet; blank rows skipped.

    The header is the first row that is not blank; cells are read as values (a formula's last
    computed value, never the formula).
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                raise ImportRejected([Problem(None, "", "the workbook unpacks to more than we read")])
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except ImportRejected:
        raise
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        raise ImportRejected([Problem(None, "", f"not readable as an Excel workbook (.xlsx): {exc}")]) from None
    try:
        sheet = workbook.worksheets[0]
        names, rows = None, []
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            texts = [_cell_text(c) for c in cells]
            if not any(texts):
                continue
            if names is None:
                names = [_header_name(t) for t in texts]
                while names and not names[-1]:
                    names.pop()
                continue
            extra = [t for t in texts[len(names):] if t]
            if extra:
                raise ImportRejected([Problem(number, "", f"a value beyond the last named column ({extra[0]!r})")])
            rows.append((number, dict(zip(names, texts, strict=False))))
    finally:
        workbook.close()
    if names is None:
        raise ImportRejected([Problem(None, "", "the file is empty")])
    return names, rows


def read_rows(data: bytes, *, filename: str = "", format: str = "", max_bytes: int = MAX_BYTES):
    """(header or None for JSON, [(line, row)]) of an uploaded CSV, XLSX or JSON file; ImportRejected
    if unreadable.

    Returns ``tuple[list[str] | None, list[tuple[int, dict]]]``; column names are lower case with
    underscores ("Display name" → ``display_name``).
    """
    if len(data) > max_bytes:
        raise ImportRejected([Problem(None, "", f"the file is larger than {max_bytes // (1024 * 1024)} MB")])
    if format == "xlsx" or (not format and (filename.lower().endswith(".xlsx") or data[:4] == _ZIP_MAGIC)):
        return _read_xlsx(data)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        reason = "the file is not UTF-8 text (save it as CSV UTF-8, or as .xlsx)"
        raise ImportRejected([Problem(line, "", reason)]) from None
    if "\x00" in text:
        raise ImportRejected([Problem(None, "", "the file is not text")])
    if not text.strip():
        raise ImportRejected([Problem(None, "", "the file is empty")])
    if not format:
        lowered = filename.lower()
        if lowered.endswith(".json") or (not lowered.endswith(".csv") and text.lstrip()[:1] in ("[", "{")):
            format = "json"
        else:
            format = "csv"
    if format == "json":
        return None, _read_json(text)
    return _read_csv(text)
