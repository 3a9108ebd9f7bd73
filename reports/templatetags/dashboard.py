"""`{% load dashboard %}` — whether to offer the dashboard link in the operation's navigation."""

from django import template

from operations.access import is_coordinator

register = template.Library()


@register.filter
def dashboard_for(operation, user) -> bool:
    """True when ``user`` coordinates ``operation`` (the dashboard answers 404 to anyone else)."""
    return bool(user) and is_coordinator(user, operation)
