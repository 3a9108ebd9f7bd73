"""An export as a STIX 2.1 bundle, built with the ``stix2`` library.

- one **identity** per country team (and one for ActionDay, which defines the extensions);
- per identifier a cyber observable (exact) and an **indicator** whose pattern matches it, joined by a
  ``based-on`` relationship (as OpenCTI and MISP's own STIX export join them). STIX 2.1 has no phone
  number or crypto wallet object: ``phone-number`` and ``cryptocurrency-wallet`` are new observable
  types, each defined by an ``extension-definition`` (the STIX 2.1 way; the bundle carries it);
- a case is a **report** whose ``object_refs`` hold its identifiers; an operation's export is a
  **grouping** (context "suspicious-activity") of everything, its cases as reports within;
- markings from the handling code: TLP:AMBER for H0 and H1, TLP:RED for H2 and H3, plus a statement
  marking with the code's words (and H3's restrictions written out). An identifier in several cases
  takes the strictest.

Names and descriptions are defanged; observables and patterns are exact. Identifiers of objects are
stable across exports (UUIDv5 for observables as STIX prescribes; fixed or derived for the rest), so a
partner's tool updates what it holds instead of doubling it.
"""

import uuid

import stix2
from stix2 import v21
from stix2.properties import StringProperty

from findings.models import Case
from identifiers.extraction import EMAIL, HANDLE, PHONE, URL, URL_HOST, WALLET
from operations.countries import country_name

from .reading import PHONE_SCO, WALLET_SCO
from .scope import Scope
from .text import KIND_LABELS, defang_text, defanged, label

MEDIA_TYPE = "application/stix+json;version=2.1"
_NAMESPACE = uuid.UUID("6a0f2b1c-54d4-4f4e-9a52-2f0c3c7a1e90")  # ActionDay's own, for derived ids
_EPOCH = "2026-12-01T00:00:00.000Z"  # when the fixed objects below were first defined

ACTIONDAY = v21.Identity(
    id="identity--0b6f7a7e-2d55-4a8e-9a8b-3c4f1f0e6d21", created=_EPOCH, modified=_EPOCH,
    name="ActionDay", identity_class="system",
    description="Case management for joint action days against online human trafficking.",
)
PHONE_EXTENSION = v21.ExtensionDefinition(
    id="extension-definition--5d8a1b3e-7c2f-4e61-9f0a-8b2d4c6e1a37", created=_EPOCH, modified=_EPOCH,
    created_by_ref=ACTIONDAY.id, name="phone-number", version="1.0.0", extension_types=["new-sco"],
    description="A telephone number, as an observable.",
    schema="A new SCO of type phone-number with one required property, value: the number in E.164 form "
           "(+ and digits, e.g. +4915123456789). Deterministic id: UUIDv5 over value.",
)
WALLET_EXTENSION = v21.ExtensionDefinition(
    id="extension-definition--9e4c2a71-3b8d-4f05-a6e2-1d7b5c9f0e48", created=_EPOCH, modified=_EPOCH,
    created_by_ref=ACTIONDAY.id, name="cryptocurrency-wallet", version="1.0.0", extension_types=["new-sco"],
    description="A cryptocurrency wallet address, as an observable.",
    schema="A new SCO of type cryptocurrency-wallet with two required properties: address (as the chain "
           "writes it; a checksum-valid address) and currency (BTC, ETH, TRX or XMR). Deterministic id: "
           "UUIDv5 over address.",
)


@v21.CustomObservable(PHONE_SCO, [("value", StringProperty(required=True))], id_contrib_props=["value"],
                      extension_name=PHONE_EXTENSION.id)
class PhoneNumber:
    pass


@v21.CustomObservable(WALLET_SCO, [("address", StringProperty(required=True)),
                                   ("currency", StringProperty(required=True))],
                      id_contrib_props=["address"], extension_name=WALLET_EXTENSION.id)
class CryptocurrencyWallet:
    pass


TLP = {"H0": stix2.TLP_AMBER, "H1": stix2.TLP_AMBER, "H2": stix2.TLP_RED, "H3": stix2.TLP_RED}
# The statement of each code, fixed (H3's, which carries its restrictions, is derived from them).
_STATEMENT_IDS = {
    "H0": "marking-definition--3c1e8a52-6f0d-4b7a-8e29-5a4d7c1b0f63",
    "H1": "marking-definition--7a2d9c14-0e5b-4f38-b1a6-9c3e5d7f2b84",
    "H2": "marking-definition--c4b7e193-8a2f-4d6c-9e05-1f3a6b8d0c25",
}


def _stable_id(kind: str, *parts) -> str:
    return f"{kind}--{uuid.uuid5(_NAMESPACE, ':'.join(str(p) for p in parts))}"


def _statement(code: str, restriction: str = "") -> v21.MarkingDefinition:
    words = Case.HandlingCode(code).label
    if code == "H3":
        text = f"ActionDay handling code {words}: {defang_text(restriction)}"
        marking_id = _stable_id("marking-definition", "H3", restriction)
    else:
        text = f"ActionDay handling code {words}."
        marking_id = _STATEMENT_IDS[code]
    return v21.MarkingDefinition(id=marking_id, created=_EPOCH, created_by_ref=ACTIONDAY.id,
                                 definition_type="statement", definition={"statement": text}, name=f"ActionDay {code}")


def _markings(code: str, restrictions) -> list[v21.MarkingDefinition]:
    if code == "H3":
        return [TLP[code], *(_statement("H3", text) for text in sorted(restrictions) or [""])]
    return [TLP[code], _statement(code)]


def _team_identity(team: str) -> v21.Identity:
    return v21.Identity(
        id=_stable_id("identity", "team", team), created=_EPOCH, modified=_EPOCH, created_by_ref=ACTIONDAY.id,
        name=f"ActionDay country team {team} ({country_name(team)})", identity_class="organization",
        sectors=["government-national"],
    )


def _observable(kind: str, value: str, **common):
    """The cyber observable of one identifier, and the STIX pattern that matches it."""
    if kind == URL:
        return v21.URL(value=value, **common), f"[url:value = {_quote(value)}]"
    if kind == URL_HOST:
        if all(part.isdigit() for part in value.split(".")):
            return v21.IPv4Address(value=value, **common), f"[ipv4-addr:value = {_quote(value)}]"
        return v21.DomainName(value=value, **common), f"[domain-name:value = {_quote(value)}]"
    if kind == EMAIL:
        return v21.EmailAddress(value=value, **common), f"[email-addr:value = {_quote(value)}]"
    if kind == HANDLE:
        platform, _, handle = value.partition(":")
        pattern = (f"[user-account:account_login = {_quote(handle)} AND "
                   f"user-account:account_type = {_quote(platform)}]")
        return v21.UserAccount(account_login=handle, account_type=platform, **common), pattern
    if kind == WALLET:
        chain, _, address = value.partition(":")
        wallet = CryptocurrencyWallet(address=address, currency=chain.upper(), **common)
        return wallet, f"[{WALLET_SCO}:address = {_quote(address)}]"
    if kind == PHONE:
        return PhoneNumber(value=value, **common), f"[{PHONE_SCO}:value = {_quote(value)}]"
    raise ValueError(f"no STIX observable for {kind}")


def _quote(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def stix_bundle(scope: Scope) -> v21.Bundle:
    """The bundle of an export (``partners.scope``); serialise it with ``bundle.serialize()``."""
    now = scope.exported_at
    identities = {team: _team_identity(team) for team in scope.teams}
    exporter = identities[scope.team] if scope.team else next(iter(identities.values()), ACTIONDAY)
    markings: dict[str, v21.MarkingDefinition] = {}

    def marked(code, restrictions) -> list[str]:
        for marking in _markings(code, restrictions):
            markings[marking.id] = marking
        return [m.id for m in _markings(code, restrictions)]

    objects: dict[str, object] = {}
    refs_of: dict[tuple[str, str], list[str]] = {}
    extensions: dict[str, v21.ExtensionDefinition] = {}
    operation = scope.operation.code
    for key, item in sorted(scope.observables.items()):
        marking_refs = marked(item.handling, item.restrictions)
        observable, pattern = _observable(item.kind, item.value, object_marking_refs=marking_refs)
        if item.kind in (PHONE, WALLET):
            extension = PHONE_EXTENSION if item.kind == PHONE else WALLET_EXTENSION
            extensions[extension.id] = extension
        owner = identities[next(iter(item.teams))] if len(item.teams) == 1 else exporter
        teams = ", ".join(sorted(item.teams))
        indicator = v21.Indicator(
            id=_stable_id("indicator", operation, *key), created=item.first_seen, modified=max(now, item.first_seen),
            created_by_ref=owner.id, name=label(item.kind, item.value),
            description=f"{KIND_LABELS[item.kind]} logged by team{'s' if len(item.teams) > 1 else ''} {teams} "
                        f"in ActionDay operation {operation}: {defanged(item.kind, item.value)}.",
            indicator_types=["malicious-activity"], pattern=pattern, pattern_type="stix",
            valid_from=item.first_seen, labels=sorted(item.indicators) or None,
            object_marking_refs=marking_refs,
        )
        relationship = v21.Relationship(
            id=_stable_id("relationship", operation, "based-on", *key), created=item.first_seen,
            modified=max(now, item.first_seen), created_by_ref=owner.id, relationship_type="based-on",
            source_ref=indicator.id, target_ref=observable.id, object_marking_refs=marking_refs,
        )
        for obj in (observable, indicator, relationship):
            objects[obj.id] = obj
        refs_of[key] = [indicator.id, observable.id, relationship.id]

    reports = []
    for entry in scope.cases:
        case = entry.case
        team = identities[case.team]
        words = Case.HandlingCode(case.handling_code).label
        reports.append(v21.Report(
            id=_stable_id("report", "case", case.reference), created=case.created_at,
            modified=max(now, case.created_at), created_by_ref=team.id, published=now,
            name=f"ActionDay case {case.reference}: {defang_text(case.title)}",
            description=(
                f"A lead of team {case.team} in operation {case.operation.code}: "
                f"{case.get_exploitation_type_display()}, status {case.get_status_display().lower()}. Source "
                f"reliability {case.source_reliability}, information {case.information_assessment}. Handling "
                f"code {words}" + (f": {defang_text(case.handling_restrictions)}" if case.handling_code == "H3" else "")
                + "."
            ),
            report_types=["threat-report"],
            labels=sorted({*entry.indicators, *entry.focus_tags, case.exploitation_type}),
            object_refs=[team.id, *(ref for key in sorted(entry.keys) for ref in refs_of.get(key, []))],
            object_marking_refs=marked(case.handling_code, [case.handling_restrictions]),
        ))

    top = list(objects.values()) + reports
    if not scope.key.startswith("case:"):
        top.append(v21.Grouping(
            id=_stable_id("grouping", scope.key), created=now, modified=now, created_by_ref=exporter.id,
            name=f"ActionDay operation {operation}: what team {scope.team or '—'} may pass on",
            description=f"{len(scope.observables)} identifiers and {len(scope.cases)} cases of operation "
                        f"{operation}, as exported by team {scope.team or '—'}.",
            context="suspicious-activity",
            object_refs=[exporter.id, *objects, *(r.id for r in reports)] if objects or reports else [exporter.id],
            object_marking_refs=marked(scope.handling, scope.restrictions),
        ))
    fixed = [ACTIONDAY, *(extensions[key] for key in sorted(extensions)), *identities.values()]
    tlp = [m for m in markings.values() if m.id in (stix2.TLP_AMBER.id, stix2.TLP_RED.id)]
    statements = sorted((m for m in markings.values() if m not in tlp), key=lambda m: m.id)
    return v21.Bundle(objects=[*fixed, *tlp, *statements, *top])

