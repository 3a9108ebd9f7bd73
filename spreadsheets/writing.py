"""CSV for spreadsheets: streamed, and safe to open.

A cell that a spreadsheet would run as a formula (=, +, -, @, a tab or a carriage return first) is
prefixed with an apostrophe. Addresses are defanged by the columns that hold them, not here.
"""

import csv
from collections.abc import Iterable, Iterator

from django.http import StreamingHttpResponse

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


class _Echo:
    def write(self, value):
        return value


def csv_lines(columns, chunks: Iterable[list]) -> Iterator[str]:
    """The lines of a CSV file: a header row of the columns' names, then one row per record.

    ``columns`` are (name, value of a record) pairs; ``chunks`` yields lists of records.
    """
    writer = csv.writer(_Echo())
    yield writer.writerow([name for name, _ in columns])
    for chunk in chunks:
        for record in chunk:
            yield writer.writerow([safe_cell(value(record)) for _, value in columns])


def csv_response(columns, chunks: Iterable[list], *, filename: str) -> StreamingHttpResponse:
    """A streamed CSV attachment, kept out of every cache."""
    response = StreamingHttpResponse(csv_lines(columns, chunks), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
