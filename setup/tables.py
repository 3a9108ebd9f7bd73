"""What every set-up import shares: a file read through ``spreadsheets.reading``, its columns checked,
each cell read as text; the problems collected with their line, so that a file is refused whole.
"""

from django.core.exceptions import ValidationError

from spreadsheets.reading import ImportRejected, Problem, read_rows

MAX_ROWS = 20_000


class Problems:
    """The problems found in one file, each with its line and column."""

    def __init__(self):
        self.items: list[Problem] = []

    def add(self, line, column, reason):
        self.items.append(Problem(line, column, str(reason)))

    def raise_any(self):
        if self.items:
            raise ImportRejected(sorted(self.items, key=lambda p: (p.line or 0, p.field)))


def text(row, name) -> str:
    value = row.get(name)
    if value is None:
        return ""
    if isinstance(value, dict | list):
        raise ValueError("must be text, not a list or object")
    return str(value).strip()


def choice(value: str, choices, what: str) -> str:
    """A choice by its value or its label, ignoring letter case and spaces ("Job board", "job_board")."""
    wanted = value.casefold().replace(" ", "_")
    for stored, label in choices:
        if wanted in (str(stored).casefold(), str(label).casefold().replace(" ", "_")):
            return stored
    raise ValueError(f"“{value}” is not a {what}; one of: {', '.join(str(v) for v, _ in choices)}")


def read_table(data: bytes, *, filename: str, columns: dict[str, tuple[str, ...]], required: tuple[str, ...],
               format: str = "") -> list[tuple[int, dict]]:
    """The rows of a set-up file, with column names brought to ours (``columns``: name → other names
    people write, "e-mail" for "email"). Refuses the file for a missing or unknown column."""
    header, rows = read_rows(data, filename=filename, format=format)
    aliases = {alias: name for name, others in columns.items() for alias in (name, *others)}
    problems = Problems()
    names = header if header is not None else sorted({k for _, row in rows for k in row})
    unknown = sorted(n for n in names if n and n not in aliases)
    if unknown:
        problems.add(1, unknown[0], f"unknown column(s) {', '.join(unknown)}; the columns are: {', '.join(columns)}")
    present = {aliases.get(n) for n in names}
    for name in required:
        if name not in present:
            problems.add(1, name, f"the column “{name}” is missing")
    problems.raise_any()
    if not rows:
        raise ImportRejected([Problem(None, "", "the file holds no rows")])
    if len(rows) > MAX_ROWS:
        raise ImportRejected([Problem(None, "", f"{len(rows):,} rows; at most {MAX_ROWS:,} are taken at once")])
    return [(line, {aliases[k]: v for k, v in row.items() if k in aliases}) for line, row in rows]


def messages_of(exc) -> str:
    return " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
