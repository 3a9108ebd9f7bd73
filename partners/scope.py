"""What a STIX or MISP export holds: the identifiers of the findings a user may see, with their cases.

Read through the access rule only: a case through ``findings.case_reader.read_case`` (the one reader
of a case), an operation through ``visible_to`` and the list filters of the API. Then two rules of
what may leave (docs/decisions.md, "Partners' formats"):

- **victims**: nothing of a possible victim leaves — no record, and no identifier that any victim
  record of the operation carries, wherever else it was logged;
- **suspects**: a suspect's identifiers leave only from a case whose handling code allows passing
  them on (H0, H1; a suspect without a case counts as H0, a new case's code); those of suspects in
  H2 and H3 cases are withheld wherever else they appear.

Free text (summaries, notes, display names) never leaves: it may describe persons. Watch-list
entries are not findings and are not exported.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

import audit
from api.filters import BOOLEAN_VALUE, EMPTY_VALUE
from findings.case_reader import read_case
from findings.filters import CaseLinkedFilter
from findings.models import Case, DetectedUrl, Selector, SocialAccount, Suspect
from identifiers.extraction import URL
from operations.access import membership_in

HANDLING_RANK = {"H0": 0, "H1": 1, "H2": 2, "H3": 3}
SUSPECTS_LEAVE = ("H0", "H1")
NO_CASE_HANDLING = "H0"


@dataclass
class Observable:
    kind: str  # a Selector.Kind value
    value: str  # exact, as normalised for matching
    teams: set[str] = field(default_factory=set)
    case_ids: set[int] = field(default_factory=set)
    handling: str = NO_CASE_HANDLING  # the strictest code of the cases it hangs off
    restrictions: set[str] = field(default_factory=set)  # H3's written restrictions
    indicators: set[str] = field(default_factory=set)  # ActionDay indicator codes
    first_seen: object = None
    last_seen: object = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind, self.value)


@dataclass
class CaseInScope:
    case: Case
    indicators: list[str]  # codes
    focus_tags: list[str]
    keys: set[tuple[str, str]] = field(default_factory=set)


@dataclass
class Scope:
    operation: object
    exported_by: object
    team: str  # the exporter's team in the operation ("" for none)
    label: str  # "case C-…", "operation CODE"
    key: str  # what the export is of, for stable identifiers: "case:C-…", "operation:CODE:…"
    cases: list[CaseInScope] = field(default_factory=list)
    observables: dict[tuple[str, str], Observable] = field(default_factory=dict)
    exported_at: object = field(default_factory=timezone.now)

    @property
    def teams(self) -> list[str]:
        teams = {team for o in self.observables.values() for team in o.teams}
        teams |= {c.case.team for c in self.cases}
        return sorted(teams | ({self.team} if self.team else set()))

    @property
    def handling(self) -> str:
        codes = [o.handling for o in self.observables.values()] + [c.case.handling_code for c in self.cases]
        return max(codes, key=HANDLING_RANK.__getitem__, default=NO_CASE_HANDLING)

    @property
    def restrictions(self) -> list[str]:
        texts = {t for o in self.observables.values() for t in o.restrictions}
        texts |= {c.case.handling_restrictions for c in self.cases if c.case.handling_code == "H3"}
        return sorted(texts - {""})


# --- an operation's records, filtered as the API's lists are -------------------------------------------


class ExportFilter(CaseLinkedFilter):
    """The filters an operation's export takes: those of the finding lists (the operation is in the path)."""


EXPORT_FILTERS = sorted(set(ExportFilter.base_filters) - {"operation"})


def _filtered(queryset, params: dict, user):
    # ``?case=`` resolves the case through the rule as ``user`` sees it (api.filters.VisibleIdFilter): a
    # hidden case filters to nothing, as on the lists, instead of saying what hangs off it.
    filterset = ExportFilter(data=params, queryset=queryset, request=SimpleNamespace(user=user))
    if not filterset.is_valid():
        raise ValidationError({name: list(errors) for name, errors in filterset.errors.items()})
    return filterset.qs


def check_export_filters(params) -> dict:
    """The filters of a request, or ValidationError naming each parameter that is not one of them."""
    unknown = sorted(set(params) - set(EXPORT_FILTERS))
    if unknown:
        raise ValidationError({name: [f"Not a filter of this export; the filters are: {', '.join(EXPORT_FILTERS)}."]
                               for name in unknown})
    # As the lists' backend (api.filters.StrictFilterBackend): an empty value is a script's mistake, and
    # exporting everything for it would hand out what the script meant to leave out.
    errors = {name: [EMPTY_VALUE] for name in params if params[name] == ""}
    if params.get("no_case") not in (None, "", "true", "false"):
        errors["no_case"] = [BOOLEAN_VALUE]
    if errors:
        raise ValidationError(errors)
    return {name: params[name] for name in EXPORT_FILTERS if name in params}


def operation_scope(*, user, operation, params: dict) -> Scope:
    """What ``user`` may see of the operation, narrowed by the list filters in ``params``."""
    params = check_export_filters(params)
    check = ExportFilter(data=params, queryset=DetectedUrl.objects.none(), request=SimpleNamespace(user=user))
    if not check.is_valid():
        raise ValidationError({name: list(errors) for name, errors in check.errors.items()})
    cleaned = check.form.cleaned_data
    urls = _filtered(DetectedUrl.objects.visible_to(user).filter(operation=operation), params, user)
    accounts = _filtered(SocialAccount.objects.visible_to(user).filter(operation=operation), params, user)
    suspects = _filtered(Suspect.objects.visible_to(user).filter(operation=operation), params, user)
    # A finding list's case filters, said of the cases themselves.
    cases = _filtered(Case.objects.visible_to(user).filter(operation=operation),
                      {k: v for k, v in params.items() if k not in ("case", "no_case")}, user)
    if cleaned.get("case") is not None:
        cases = cases.filter(pk=cleaned["case"])
    if cleaned.get("no_case"):
        cases = cases.none()
    team = _team(user, operation)
    described = "".join(f":{k}={params[k]}" for k in sorted(params))
    scope = Scope(operation=operation, exported_by=user, team=team, label=f"operation {operation.code}",
                  key=f"operation:{operation.code}:{team}{described}")
    _collect(scope, user=user, cases=cases, urls=urls, accounts=accounts, suspects=suspects, case_details=None)
    return scope


def case_scope(*, user, case: Case) -> Scope:
    """The case and what hangs off it as ``user`` sees it (the caller found it through ``visible_to``)."""
    seen = read_case(user=user, case=case)
    suspects = seen.suspects if case.handling_code in SUSPECTS_LEAVE else []
    scope = Scope(operation=case.operation, exported_by=user, team=_team(user, case.operation),
                  label=f"case {case.reference}", key=f"case:{case.reference}")
    _collect(
        scope, user=user,
        cases=Case.objects.filter(pk=case.pk),
        urls=DetectedUrl.objects.filter(pk__in=[u.pk for u in seen.urls]),
        accounts=SocialAccount.objects.filter(pk__in=[a.pk for a in seen.accounts]),
        suspects=Suspect.objects.filter(pk__in=[s.pk for s in suspects]),
        case_details=(case, [i.code for i in seen.indicators], seen.focus_tags),
    )
    return scope


def _team(user, operation) -> str:
    membership = membership_in(user, operation)
    return membership.team if membership else ""


def _withheld(operation) -> set[tuple[str, str]]:
    """Identifiers that never leave: any victim's, and those of suspects in cases whose code keeps them."""
    rows = Selector.objects.filter(operation=operation).filter(
        Q(victim__isnull=False) | Q(suspect__isnull=False) & ~Q(case__handling_code__in=SUSPECTS_LEAVE)
        & Q(case__isnull=False)
    )
    return set(rows.values_list("kind", "value"))


def _collect(scope: Scope, *, user, cases, urls, accounts, suspects, case_details) -> None:
    suspects = suspects.filter(Q(case__isnull=True) | Q(case__handling_code__in=SUSPECTS_LEAVE))
    rows = Selector.objects.filter(
        Q(case__in=cases.values("pk"), suspect=None, victim=None, url=None, account=None)
        | Q(url__in=urls.values("pk")) | Q(account__in=accounts.values("pk")) | Q(suspect__in=suspects.values("pk"))
    ).exclude(  # a street address an advert points to may be where a possible victim is: it stays here
        kind=Selector.Kind.LOCATION
    ).values_list("kind", "value", "team", "case_id", "url_id", "created_at")
    url_rows = urls.values_list("url", "team", "case_id", "pk", "created_at")
    url_indicators = defaultdict(set)
    for url_id, code in DetectedUrl.indicators.through.objects.filter(
        detectedurl__in=urls.values("pk")
    ).values_list("detectedurl_id", "indicator__code"):
        url_indicators[url_id].add(code)
    withheld = _withheld(scope.operation)
    found = [row for row in rows if (row[0], row[1]) not in withheld]
    found += [(URL, url, team, case_id, url_id, at) for url, team, case_id, url_id, at in url_rows
              if (URL, url) not in withheld]

    # The handling codes of every case the identifiers hang off, seen or not: a code only restricts.
    case_ids = {row[3] for row in found} - {None}
    handling = {pk: (code, text) for pk, code, text in Case.objects.filter(pk__in=case_ids).values_list(
        "pk", "handling_code", "handling_restrictions")}
    for kind, value, team, case_id, url_id, at in found:
        observable = scope.observables.get((kind, value)) or Observable(kind=kind, value=value)
        scope.observables[(kind, value)] = observable
        observable.teams.add(team)
        observable.first_seen = min(filter(None, [observable.first_seen, at]))
        observable.last_seen = max(filter(None, [observable.last_seen, at]))
        observable.indicators |= url_indicators.get(url_id, set())
        if case_id is not None:
            observable.case_ids.add(case_id)
            code, text = handling[case_id]
            if HANDLING_RANK[code] > HANDLING_RANK[observable.handling]:
                observable.handling = code
            if code == "H3":
                observable.restrictions.add(text)

    if case_details is not None:
        case, indicators, focus_tags = case_details
        scope.cases = [CaseInScope(case=case, indicators=indicators, focus_tags=focus_tags)]
    else:
        shown = cases | Case.objects.visible_to(user).filter(pk__in=case_ids)
        shown = shown.distinct().select_related("operation").prefetch_related("indicators", "focus_tags")
        scope.cases = [
            CaseInScope(case=c, indicators=sorted(i.code for i in c.indicators.all()),
                        focus_tags=sorted(t.name for t in c.focus_tags.all()))
            for c in shown.order_by("created_at", "pk")
        ]
    for entry in scope.cases:
        entry.keys = {key for key, o in scope.observables.items() if entry.case.pk in o.case_ids}
        for key in entry.keys:
            scope.observables[key].indicators |= set(entry.indicators)


# --- the audit trail --------------------------------------------------------------------------------


def record_disclosure(scope: Scope, *, what: str) -> None:
    """An export is a disclosure: of the case, or of the operation once per team whose records it holds."""
    summary = f"{scope.label.split()[0]} exported as {what}: {len(scope.observables)} identifiers"
    if scope.key.startswith("case:"):
        audit.record(actor=scope.exported_by, action="disclose", obj=scope.cases[0].case, summary=summary)
        return
    for team in sorted({t for o in scope.observables.values() for t in o.teams}) or [""]:
        audit.record(actor=scope.exported_by, action="disclose", operation=scope.operation, team=team,
                     object_type="operations.operation", object_id=str(scope.operation.pk), summary=summary)
