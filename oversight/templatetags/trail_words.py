"""`{% load trail_words %}` — the trail's record types and actions in people's words (audit/words.py)."""

from django import template

from audit.words import action_word, capitalised, record_noun

register = template.Library()


@register.filter
def record_name(object_type: str) -> str:
    """ "findings.detectedurl" → "URL"."""
    return capitalised(record_noun(object_type))


@register.filter
def action_name(action: str) -> str:
    """ "collect" → "Logged (collection)"."""
    return capitalised(action_word(action))
