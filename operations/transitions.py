"""Status moves: one table of allowed moves per model, one check that refuses the rest."""

from django.core.exceptions import ValidationError


def require_move(record, target: str, allowed: dict[str, set[str]], field: str = "status") -> str:
    """Raise a ValidationError naming both states unless ``field`` may move to ``target``.

    Returns the current state, for the audit summary.
    """
    current = getattr(record, field)
    if target not in allowed.get(current, set()):
        labels = dict(record._meta.get_field(field).choices)
        raise ValidationError(
            f"{record._meta.verbose_name.capitalize()} {record}: cannot move from "
            f"“{labels.get(current, current)}” to “{labels.get(target, target)}”."
        )
    return current
