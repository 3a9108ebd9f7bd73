"""The figures in people's words: what each figure is called in a press release, and the press
paragraph drafted from the headline the coordinator chose.

Counting is ``reports.statistics``; this module only names and phrases what it counted.
"""

import re

from operations.models import Operation

# key -> label in press style ("33 potential victims of human trafficking identified"). The order
# is the order the dashboard lists them in; the coordinator picks the published headline from these.
FIGURES: dict[str, str] = {
    "countries": "participating countries",
    "agencies": "participating agencies",
    "experts": "experts",
    "platforms_monitored": "platforms monitored",
    "platforms_checked": "platforms checked",
    "platforms_with_indications": "platforms with indications of human trafficking",
    "dark_web_platforms_checked": "dark-web platforms checked",
    "urls": "URLs related to human trafficking detected",
    "social_accounts": "social network accounts related to human trafficking detected",
    "persons_checked": "persons and usernames checked",
    "locations": "locations checked",
    "phone_numbers": "phone numbers checked",
    "entities_checked": "entities checked",
    "victims": "potential victims of human trafficking identified",
    "minor_victims": "potential victims identified as minors",
    "perpetrators": "potential perpetrators identified",
    "cases": "cases opened for national follow-up",
    "cases_referred": "cases referred to national authorities",
    "investigations_opened": "investigations opened",
    "indicators": "indicators of human trafficking observed",
}

FIGURES_SINGULAR: dict[str, str] = {
    "countries": "participating country",
    "agencies": "participating agency",
    "experts": "expert",
    "platforms_monitored": "platform monitored",
    "platforms_checked": "platform checked",
    "platforms_with_indications": "platform with indications of human trafficking",
    "dark_web_platforms_checked": "dark-web platform checked",
    "urls": "URL related to human trafficking detected",
    "social_accounts": "social network account related to human trafficking detected",
    "persons_checked": "person or username checked",
    "locations": "location checked",
    "phone_numbers": "phone number checked",
    "entities_checked": "entity checked",
    "victims": "potential victim of human trafficking identified",
    "minor_victims": "potential victim identified as a minor",
    "perpetrators": "potential perpetrator identified",
    "cases": "case opened for national follow-up",
    "cases_referred": "case referred to national authorities",
    "investigations_opened": "investigation opened",
    "indicators": "indicator of human trafficking observed",
}

# Short names, for table headings and lists: "Potential victims", "URLs".
SHORT_LABELS: dict[str, str] = {
    "countries": "Countries",
    "agencies": "Agencies",
    "experts": "Experts",
    "platforms_monitored": "Platforms monitored",
    "platforms_checked": "Platforms checked",
    "platforms_with_indications": "Platforms with indications",
    "dark_web_platforms_checked": "Dark-web platforms checked",
    "urls": "URLs",
    "social_accounts": "Social network accounts",
    "persons_checked": "Persons and usernames checked",
    "locations": "Locations",
    "phone_numbers": "Phone numbers",
    "entities_checked": "Entities checked",
    "victims": "Potential victims",
    "minor_victims": "Minors",
    "perpetrators": "Potential perpetrators",
    "cases": "Cases",
    "cases_referred": "Cases referred",
    "investigations_opened": "Investigations opened",
    "indicators": "Indicators",
}


def short_label(key: str, *, in_sentence: bool = False) -> str:
    """ "Potential victims"; inside a sentence "potential victims" (but still "URLs")."""
    label = SHORT_LABELS[key]
    if in_sentence and not label[1:2].isupper():
        return label[:1].lower() + label[1:]
    return label


# Figures that are sums of others: published with their parts beside them, in this order.
FIGURE_PARTS: dict[str, list[str]] = {
    "entities_checked": ["platforms_checked", "persons_checked", "locations", "phone_numbers"],
    "persons_checked": ["social_accounts", "perpetrators"],
}
# How a part is named beside its sum: "40 platforms, 150 persons and usernames, ...".
PART_LABELS: dict[str, tuple[str, str]] = {
    "platforms_checked": ("platform", "platforms"),
    "persons_checked": ("person or username", "persons and usernames"),
    "locations": ("location", "locations"),
    "phone_numbers": ("phone number", "phone numbers"),
    "social_accounts": ("social network account", "social network accounts"),
    "perpetrators": ("potential perpetrator", "potential perpetrators"),
}

# What the 2025 press release published, in its order: the headline until a coordinator picks one.
DEFAULT_HEADLINE = ["victims", "perpetrators", "platforms_checked", "urls", "social_accounts"]


def press_label(key: str, value: int) -> str:
    """The label that follows the number: singular for one, plural otherwise."""
    return FIGURES_SINGULAR[key] if value == 1 else FIGURES[key]


def press_number(value: int) -> str:
    """1234567 -> "1 234 567" (narrow no-break spaces, the EU style guide's thousands separator)."""
    return f"{value:,}".replace(",", "\u202f")


def press_parts(key: str, totals: dict) -> str:
    """The parts of a sum as printed beside it: "40 platforms, 150 persons and usernames, 30 locations and
    32 phone numbers"; "" for a figure that is not a sum."""
    parts = []
    for part in FIGURE_PARTS.get(key, []):
        value = int(totals.get(part) or 0)
        singular, plural = PART_LABELS[part]
        parts.append(f"{press_number(value)} {singular if value == 1 else plural}")
    if len(parts) < 2:
        return ", ".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def press_line(key: str, value: int, totals: dict | None = None) -> str:
    """ "33 potential victims of human trafficking identified"; a sum with its parts in brackets when
    ``totals`` are given: "252 entities checked (40 platforms, ... and 32 phone numbers)"."""
    line = f"{press_number(value)} {press_label(key, value)}"
    parts = press_parts(key, totals) if totals is not None else ""
    return f"{line} ({parts})" if parts else line


def headline_keys(operation: Operation) -> list[str]:
    """The published headline of the operation: the coordinator's choice, else the default."""
    chosen = [key for key in (operation.headline_figures or []) if key in FIGURES]
    return chosen or list(DEFAULT_HEADLINE)




# --- the press paragraph -----------------------------------------------------------------------

# Each headline figure's part in the paragraph: the verb it goes with and how its object reads
# (singular, plural). Figures of one verb are said together, in the order the headline gives them.
_OBJECTS: dict[str, tuple[str, str, str]] = {
    "platforms_monitored": ("monitored", "{n} online platform", "{n} online platforms"),
    "platforms_checked": ("checked", "{n} platform", "{n} platforms"),
    "dark_web_platforms_checked": ("checked", "{n} dark-web platform", "{n} dark-web platforms"),
    "entities_checked": ("checked", "{n} entity", "{n} entities"),
    "persons_checked": ("checked", "{n} person or username", "{n} persons and usernames"),
    "locations": ("checked", "{n} location", "{n} locations"),
    "phone_numbers": ("checked", "{n} phone number", "{n} phone numbers"),
    "platforms_with_indications": ("found indications of human trafficking on", "{n} online platform",
                                   "{n} online platforms"),
    "urls": ("detected", "{n} URL", "{n} URLs"),
    "social_accounts": ("detected", "{n} social network account", "{n} social network accounts"),
    "victims": ("identified", "{n} potential victim of human trafficking",
                "{n} potential victims of human trafficking"),
    "minor_victims": ("identified", "{n} potential victim who is a minor", "{n} potential victims who are minors"),
    "perpetrators": ("identified", "{n} potential perpetrator", "{n} potential perpetrators"),
    "indicators": ("observed", "{n} indicator of human trafficking", "{n} indicators of human trafficking"),
}
# What follows the objects of a verb, once ("… URLs and 137 accounts related to human trafficking").
_AFTER = {"detected": " related to human trafficking"}
# The sentence about cases: (singular, plural).
_CASES = {
    "cases": ("{n} case was opened for national follow-up", "{n} cases were opened for national follow-up"),
    "cases_referred": ("{n} case was referred to national authorities",
                       "{n} cases were referred to national authorities"),
    "investigations_opened": ("{n} investigation was opened", "{n} investigations were opened"),
}


def _and(items: list[str]) -> str:
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _counted(template: tuple[str, str], value: int) -> str:
    return template[0 if value == 1 else 1].format(n=press_number(value))


def _period(operation: Operation) -> str:
    days = (operation.ends_at.date() - operation.starts_at.date()).days + 1
    if days <= 1:
        return "the action day"
    return "the action days" if days <= 4 else "the action week" if days <= 8 else "the operation"


def _subject(totals: dict, keys: list[str]) -> str:
    experts, countries, agencies = (int(totals.get(key) or 0) for key in ("experts", "countries", "agencies"))
    if not experts:
        return "the participating teams"
    subject = f"{press_number(experts)} expert{'s' if experts != 1 else ''}"
    if "agencies" in keys and agencies:
        subject += f" from {press_number(agencies)} agenc{'ies' if agencies != 1 else 'y'}"
        if countries:
            subject += f" in {press_number(countries)} countr{'ies' if countries != 1 else 'y'}"
        return subject
    if countries:
        subject += f" from {press_number(countries)} countr{'ies' if countries != 1 else 'y'}"
    return subject


def draft_paragraph(operation: Operation, totals: dict, keys: list[str]) -> str:
    """A press paragraph in Europol's style from the headline figures ``keys`` (in their order):

    "During the action week, 76 experts from 27 countries checked 40 platforms, detected 302 URLs
    related to human trafficking and identified 33 potential victims of human trafficking. 12 cases
    were opened for national follow-up."

    A draft: the coordinator edits it before publishing. Experts and countries always open it when
    known, as in every release.
    """
    verbs: dict[str, list[str]] = {}
    for key in keys:
        if key not in _OBJECTS:
            continue
        verb, singular, plural = _OBJECTS[key]
        value = int(totals.get(key) or 0)
        if key == "minor_victims" and "victims" in keys:
            continue  # said with the victims: "…, of whom 3 are minors"
        text = _counted((singular, plural), value)
        if key in FIGURE_PARTS:
            text += f" ({press_parts(key, totals)})"
        if key == "victims" and "minor_victims" in keys:
            minors = int(totals.get("minor_victims") or 0)
            # Closed by a comma when more follows ("…, of whom 4 are minors, and 31 …"); tidied below.
            text += f", of whom {press_number(minors)} {'is a minor' if minors == 1 else 'are minors'},"
        verbs.setdefault(verb, []).append(text)
    clauses = [f"{verb} {_and(objects)}{_AFTER.get(verb, '')}" for verb, objects in verbs.items()]
    subject = _subject(totals, keys)
    if clauses:
        first = re.sub(r",(?=[,.]| and [a-z]+ed\b)", "", f"During {_period(operation)}, {subject} {_and(clauses)}.")
    else:
        first = f"{subject[0].upper()}{subject[1:]} took part in {_period(operation)}."
    cases = [_counted(_CASES[key], int(totals.get(key) or 0)) for key in keys if key in _CASES]
    if not cases:
        return first
    second = _and(cases)
    return f"{first} {second[0].upper()}{second[1:]}."
