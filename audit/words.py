"""The trail in people's words: what a record type and an action are called on pages and in exports.

Events name records by model label ("findings.detectedurl") and actions by the Law Enforcement
Directive's terms ("collect"); people say "URL" and "logged". The record names come from the
models' own ``verbose_name`` through Django's app registry, so this floor of the house imports no
app above it.
"""

from django.apps import apps

# The action, as a column of the audit page says it: what the user did, then the Directive's term.
ACTION_WORDS = {
    "collect": "logged (collection)",
    "alter": "changed (alteration)",
    "consult": "viewed (consultation)",
    "disclose": "shared or exported (disclosure)",
    "combine": "linked or merged (combination)",
    "erase": "deleted (erasure)",
}
# Types whose model name is not what their users call them.
_RECORD_WORDS = {
    "findings.hit": ("cross-border hit", "cross-border hits"),
    "findings.casegroupobjectpermission": ("case shared with a team", "cases shared with a team"),
    "findings.caseuserobjectpermission": ("case shared with a prosecutor", "cases shared with a prosecutor"),
    "reports.statisticssnapshot": ("figures", "figures"),
}


def record_noun(object_type: str, *, plural: bool = False) -> str:
    """ "findings.detectedurl" → "URL" (or "URLs"); "" for no type; the label itself for an unknown one."""
    if not object_type:
        return ""
    if object_type in _RECORD_WORDS:
        return _RECORD_WORDS[object_type][plural]
    try:
        meta = apps.get_model(object_type)._meta
    except (LookupError, ValueError):
        return object_type
    return str(meta.verbose_name_plural if plural else meta.verbose_name)


def capitalised(text: str) -> str:
    """The first letter up, the rest as it is ("URL logged" stays, "case opened" → "Case opened")."""
    return text[:1].upper() + text[1:]


def action_word(action: str) -> str:
    return ACTION_WORDS.get(action, action)
