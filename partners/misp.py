"""An export as a MISP event, built with PyMISP's data classes (no MISP server is involved).

- identifiers as attributes of the matching MISP types — ``phone-number``, ``email``, ``url``,
  ``domain`` (``ip-dst`` for an address) — and as objects where MISP has one: a ``coin-address``
  object per wallet (``btc``, ``xmr``, or ``address-crypto`` for Ethereum and Tron, with its
  ``symbol``), a ``user-account`` object per handle (``username``, ``account-type`` = the platform);
- tags: ``tlp:amber``/``tlp:red`` and ``actionday:handling-code`` from the handling code, the case's
  exploitation type, focus tags and indicators (``actionday:indicator="crypto-only-payment"``) on
  the event, and each identifier's indicators on its attribute or object;
- distribution from the handling code: H0 and H1 "this community only" (1), H2 and H3 "your
  organisation only" (0); attributes inherit the event's (5). An operation's export takes the
  strictest code of what it holds for the event, and each identifier's own for its TLP tag;
- the handling code's words (and H3's restrictions) as a text attribute, so they travel with the data.

Names, comments and the event's title are defanged; attribute values are exact. UUIDs are derived
from what they stand for, so exporting again updates a partner's event instead of doubling it.
"""

import json
import uuid

from pymisp import MISPEvent, MISPObject, MISPOrganisation

from findings.models import Case
from identifiers.extraction import EMAIL, HANDLE, PHONE, URL, URL_HOST, WALLET
from operations.countries import country_name

from .scope import Scope
from .text import KIND_LABELS, defang_text

MEDIA_TYPE = "application/json"
_NAMESPACE = uuid.UUID("0c9d6f41-2b7e-4d0a-8f35-6e1a9b4c7d52")
DISTRIBUTION = {"H0": 1, "H1": 1, "H2": 0, "H3": 0}
INHERIT = 5
TLP_TAG = {"H0": "tlp:amber", "H1": "tlp:amber", "H2": "tlp:red", "H3": "tlp:red"}
ANALYSIS = {"open": 1, "referred": 1, "investigation_opened": 1, "closed": 2}  # ongoing, completed
THREAT_LEVEL_MEDIUM = 2
_ATTRIBUTE_TYPES = {PHONE: "phone-number", EMAIL: "email", URL: "url", URL_HOST: "domain"}
_WALLET_RELATIONS = {"btc": "address", "xmr": "address-xmr", "eth": "address-crypto", "trx": "address-crypto"}


def _uuid(*parts) -> str:
    return str(uuid.uuid5(_NAMESPACE, ":".join(str(p) for p in parts)))


def _tag(name: str, value: str) -> str:
    return f'actionday:{name}="{value}"'


def _handling_words(code: str, restrictions) -> str:
    words = f"ActionDay handling code {Case.HandlingCode(code).label}"
    if code == "H3" and restrictions:
        words += ": " + "; ".join(defang_text(text) for text in sorted(restrictions))
    return words


def misp_event(scope: Scope) -> MISPEvent:
    operation = scope.operation.code
    event = MISPEvent()
    event.uuid = _uuid("event", scope.key)
    single = scope.cases[0].case if scope.key.startswith("case:") else None
    if single is not None:
        event.info = f"ActionDay case {single.reference}: {defang_text(single.title)}"
        event.date = single.created_at.date()
        event.analysis = ANALYSIS[single.status]
    else:
        event.info = f"ActionDay operation {operation}: what team {scope.team or '—'} may pass on"
        event.date = scope.exported_at.date()
        event.analysis = 1 if scope.operation.status in ("planned", "active") else 2
    event.threat_level_id = THREAT_LEVEL_MEDIUM
    event.distribution = DISTRIBUTION[scope.handling]
    event.published = False
    event.timestamp = scope.exported_at
    owner = single.team if single is not None else scope.team
    if owner:
        organisation = MISPOrganisation()
        organisation.name = f"ActionDay country team {owner} ({country_name(owner)})"
        organisation.uuid = _uuid("team", owner)
        event.Orgc = organisation

    event.add_tag(TLP_TAG[scope.handling])
    event.add_tag(_tag("handling-code", scope.handling))
    event.add_tag(_tag("operation", operation))
    for tag in sorted({_tag("exploitation-type", c.case.exploitation_type) for c in scope.cases}
                      | {_tag("focus-tag", name) for c in scope.cases for name in c.focus_tags}
                      | {_tag("indicator", code) for c in scope.cases for code in c.indicators}):
        event.add_tag(tag)
    event.add_attribute(
        "text", _handling_words(scope.handling, scope.restrictions), category="Other", to_ids=False,
        disable_correlation=True, distribution=INHERIT, uuid=_uuid("handling", scope.key),
        comment="Handling code of what this event holds",
    )
    for entry in scope.cases:
        case = entry.case
        event.add_attribute(
            "text", f"ActionDay case {case.reference}: {defang_text(case.title)}", category="Other", to_ids=False,
            disable_correlation=True, distribution=INHERIT, uuid=_uuid("case", case.reference),
            comment=f"Team {case.team}; {case.get_exploitation_type_display()}; status "
                    f"{case.get_status_display().lower()}; "
                    + _handling_words(case.handling_code, [case.handling_restrictions]),
        )

    references = {key: [c.case.reference for c in scope.cases if key in c.keys] for key in scope.observables}
    for key, item in sorted(scope.observables.items()):
        teams = ", ".join(sorted(item.teams))
        comment = f"{KIND_LABELS[item.kind]} logged by team{'s' if len(item.teams) > 1 else ''} {teams}" + (
            f" in case {', '.join(references[key])}" if references[key] else "")
        tags = [TLP_TAG[item.handling], *(_tag("indicator", code) for code in sorted(item.indicators))]
        target = _add_identifier(event, item, operation, comment)
        for tag in tags:
            target.add_tag(tag)
    return event


def _add_identifier(event: MISPEvent, item, operation: str, comment: str):
    """One identifier as an attribute or an object of the event; returns what was added (to tag it)."""
    base = _uuid(operation, item.kind, item.value)
    if item.kind in _ATTRIBUTE_TYPES:
        kind = _ATTRIBUTE_TYPES[item.kind]
        if item.kind == URL_HOST and all(part.isdigit() for part in item.value.split(".")):
            kind = "ip-dst"
        return event.add_attribute(kind, item.value, to_ids=False, distribution=INHERIT, uuid=base, comment=comment,
                                   first_seen=item.first_seen)
    # An object's attributes carry the tags (MISP objects have none of their own): the identifying one.
    if item.kind == WALLET:
        chain, _, address = item.value.partition(":")
        obj = MISPObject("coin-address", standalone=False)
        main = obj.add_attribute(_WALLET_RELATIONS[chain], value=address, to_ids=False, uuid=_uuid(base, "address"))
        obj.add_attribute("symbol", value=chain.upper(), uuid=_uuid(base, "symbol"))
    elif item.kind == HANDLE:
        platform, _, handle = item.value.partition(":")
        obj = MISPObject("user-account", standalone=False)
        main = obj.add_attribute("username", value=handle, uuid=_uuid(base, "username"))
        obj.add_attribute("account-type", value=platform, uuid=_uuid(base, "account-type"))
    else:
        raise ValueError(f"no MISP form for {item.kind}")
    obj.uuid = base
    obj.comment = comment
    obj.distribution = INHERIT
    obj.first_seen = item.first_seen
    event.add_object(obj)
    return main


def misp_json(event: MISPEvent) -> str:
    """The event as MISP's import takes it: ``{"Event": {…}}``."""
    return json.dumps({"Event": json.loads(event.to_json())}, indent=2, ensure_ascii=False)
