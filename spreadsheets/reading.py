"""Reading an uploaded table — CSV or a JSON array of objects — into rows that know their line.

Shared by every import (findings, an operation's participants, watch lists): a file that cannot be
read is refused whole (``ImportRejected``) with each problem and the line it is on.
"""

import csv
import io
import json
from dataclasses import dataclass

MAX_BYTES = 20 * 1024 * 1024


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


def read_rows(data: bytes, *, filename: str = "", format: str = "", max_bytes: int = MAX_BYTES):
    """(CSV header or None for JSON, [(line, row)]) of an uploaded file; ImportRejected if unreadable.

    Returns ``tuple[list[str] | None, list[tuple[int, dict]]]``; column names are lower case with
    underscores ("Display name" → ``display_name``).
    """
    if len(data) > max_bytes:
        raise ImportRejected([Problem(None, "", f"the file is larger than {max_bytes // (1024 * 1024)} MB")])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportRejected([Problem(line, "", "the file is not UTF-8 text (save it as CSV UTF-8)")]) from None
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
