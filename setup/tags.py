"""An operation's focus tags from a file: one column, ``name`` (or ``focus_tag``). All or nothing; the
tags the operation has are kept, so importing the same file again changes nothing."""

from django.core.exceptions import ValidationError

from operations.access import require_set_up
from operations.services import focus_tags_add

from .tables import Problems, read_table, text

COLUMNS = {"name": ("focus_tag", "tag", "focus_tags")}


def focus_tags_check(*, user, operation, data: bytes, filename: str = "", format: str = "") -> tuple[list, list]:
    """(names the operation lacks, names it has) of the file; ImportRejected with every problem."""
    require_set_up(user, operation)
    rows = read_table(data, filename=filename, columns=COLUMNS, required=("name",), format=format)
    problems, names, seen = Problems(), [], {}
    for line, row in rows:
        name = " ".join(text(row, "name").split())
        if not name:
            problems.add(line, "name", "empty")
        elif len(name) > 80:
            problems.add(line, "name", "longer than 80 characters")
        elif name.casefold() in seen:
            problems.add(line, "name", f"also on line {seen[name.casefold()]}")
        else:
            seen[name.casefold()] = line
            names.append(name)
    problems.raise_any()
    known = {t.casefold() for t in operation.focus_tags.values_list("name", flat=True)}
    return [n for n in names if n.casefold() not in known], [n for n in names if n.casefold() in known]


def focus_tags_import(*, user, operation, data: bytes, filename: str = "", format: str = "") -> tuple[list, list]:
    new, known = focus_tags_check(user=user, operation=operation, data=data, filename=filename, format=format)
    if operation.is_read_only:
        raise ValidationError(f"Operation {operation.code} is {operation.status}: its focus tags no longer change.")
    focus_tags_add(by=user, operation=operation, names=new)
    return new, known
