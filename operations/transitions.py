"""Status moves: one table of allowed moves per model, one check that refuses the rest."""

from api.base import StateConflict


def require_move(record, target: str, allowed: dict[str, set[str]], field: str = "status") -> str:
    """Raise a StateConflict (a ValidationError; 409 in the API) naming both states unless ``field`` may
    move to ``target``.

    Returns the current state, for the audit summary.
    """
    current = getattr(record, field)
    if target not in allowed.get(current, set()):
        labels = dict(record._meta.get_field(field).choices)
        raise StateConflict(
            f"{record._meta.verbose_name.capitalize()} {record}: cannot move from "
            f"“{labels.get(current, current)}” to “{labels.get(target, target)}”."
        )
    return current
