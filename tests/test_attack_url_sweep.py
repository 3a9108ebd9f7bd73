"""An attacker's sweep: every URL pattern of the pages and the API, as every role of the cast, with the
ids, codes and references of another team's unshared records and of another operation.

The German and French teams and an analyst of another operation each log one of everything with a
distinctive marker in every text field and file (tests/markers.py). Each role then requests every
URL pattern of ``config.urls`` (walked recursively, the admin and the API included), its path
parameters filled with the records that role must not see, with GET (the API also as the browsable
HTML page, list pages also with those ids in the query string) and with POST (a form body, JSON for
the API, naming those records too). No answer, whatever its status, may carry one of those markers
in its body or headers. A pattern the sweep cannot fill fails the test, so new pages are swept too.
"""

import itertools
import json
import re
from dataclasses import dataclass, field

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

from audit.models import AuditEvent
from findings.models import Case, Evidence, Hit, Indicator
from findings.workspace import KINDS
from hits.matching import match_pending
from operations.models import Operation
from platforms.models import PlatformCheck
from reports import building
from reports.models import Report

from .markers import found_in, marked_family

pytestmark = pytest.mark.django_db

ROLES = ["de", "de2", "fr", "coordinator", "prosecutor", "other_prosecutor", "outsider", "anonymous"]
# Role -> the families whose markers it must never see: "private" (what the team keeps to itself
# until it shares a case) or "all" (also what is shared with the operation: URLs, accounts, checks).
FORBIDDEN = {
    "de": {"fr": "private", "op2": "all"},
    "de2": {"fr": "private", "op2": "all"},
    "fr": {"de": "private", "op2": "all"},
    "coordinator": {"op2": "all"},
    "prosecutor": {"de": "all", "fr": "all", "op2": "all"},
    "other_prosecutor": {"de": "all", "fr": "all", "op2": "all"},
    "outsider": {"de": "all", "fr": "all"},
    "anonymous": {"de": "all", "fr": "all", "op2": "all"},
}
# What each role must see of its own (a positive control: the sweep is not looking at login pages).
OWN = {"de": "de", "de2": "de", "fr": "fr", "coordinator": "fr", "outsider": "op2"}
# Page URLs whose integer id names a record of a known model (the finding pages pair the kind with it).
PAGE_PK_MODEL = {
    "evidence_download": Evidence,
    "platform_check_start": PlatformCheck,
    "platform_check_finish": PlatformCheck,
    "hits:share": Hit,
    "hits:decline": Hit,
}
# Sending these would end the session under the sweep (it logs in again, but there is nothing to find).
NO_POST = {"logout", "admin:logout"}
# Answers to these may change the session itself (a second login, a second factor asked again).
RELOGIN_AFTER = {"login", "two_factor_verify", "two_factor_enrol", "two_factor_recovery_codes"}


@dataclass
class Pattern:
    route: str  # the full route, as ResolverMatch.route gives it (no "^" at the start of a level)
    name: str
    callback: object
    params: list[str] = field(default_factory=list)

    @property
    def is_api(self) -> bool:
        return self.route.startswith("api/")

    @property
    def is_admin(self) -> bool:
        return self.route.startswith("admin/")


def all_patterns() -> list[Pattern]:
    """Every URL pattern of config.urls, with its full route and all of its parameters."""

    def walk(patterns, prefix, namespace, params):
        for p in patterns:
            own = _param_names(p.pattern)
            route = prefix + str(p.pattern).removeprefix("^")  # as ResolverMatch.route joins them
            if isinstance(p, URLResolver):
                ns = ":".join(filter(None, [namespace, p.namespace]))
                yield from walk(p.url_patterns, route, ns, params + own)
            elif isinstance(p, URLPattern):
                name = f"{namespace}:{p.name or ''}" if namespace else (p.name or "")
                yield Pattern(route=route, name=name, callback=p.callback, params=params + own)

    return list(walk(get_resolver().url_patterns, "", "", []))


def _param_names(pattern) -> list[str]:
    if hasattr(pattern, "converters") and pattern.converters:
        return list(pattern.converters)
    return list(pattern.regex.groupindex)


_ROUTE_PARAM = re.compile(r"(?<!\?P)<(?:\w+:)?(\w+)>")  # path() parameters, not re_path() groups


def build_path(route: str, values: dict) -> str:
    """The path of ``route`` (path() and re_path() syntax mixed, as includes make it) with ``values``."""
    out = _ROUTE_PARAM.sub(lambda m: str(values[m.group(1)]), route)
    while (start := out.find("(?P<")) != -1:
        name = out[start + 4:out.index(">", start)]
        depth, end = 0, start
        for end in range(start, len(out)):
            depth += {"(": 1, ")": -1}.get(out[end], 0)
            if depth == 0:
                break
        out = out[:start] + str(values[name]) + out[end + 1:]
    out = out.replace("$", "").replace(".*", "probe")
    return "/" + out


# --- the world the attackers look at ---------------------------------------------------------------


@dataclass
class World:
    cast: object
    families: dict
    reports: dict
    hits: list


@pytest.fixture
def world(cast):
    families = {
        "de": marked_family(cast, cast.de, tag="zqde"),
        "fr": marked_family(cast, cast.fr, tag="zqfr"),
        "op2": marked_family(cast, cast.outsider, tag="zqop", operation=cast.other_operation),
    }
    match_pending()  # the shared phone: a DE↔FR hit, and one across the two operations
    reports = {
        "de": [building.report_request(user=cast.de, kind="team_report", operation=cast.operation, team="DE"),
               building.report_request(user=cast.de, kind="case_file", operation=cast.operation,
                                       case=families["de"]["case"])],
        "fr": [building.report_request(user=cast.fr, kind="team_report", operation=cast.operation, team="FR"),
               building.report_request(user=cast.fr, kind="case_file", operation=cast.operation,
                                       case=families["fr"]["case"])],
        "op2": [building.report_request(user=cast.outsider, kind="team_report", operation=cast.other_operation,
                                        team="DE")],
    }
    building.report_build(reports["fr"][1].pk)  # one finished case file: its download is there to be tried
    return World(cast=cast, families=families, reports=reports, hits=list(Hit.objects.all()))


def targets_of(world: World, role: str) -> dict:
    """Model -> the records (or values) the role's requests name: those it must not see."""
    names = FORBIDDEN[role]
    records = {}
    for name in names:
        for record in world.families[name].records.values():
            records.setdefault(type(record), []).append(record)
    records[Hit] = world.hits
    records[Report] = [r for name in names for r in world.reports[name]]
    operations = {world.cast.operation, world.cast.other_operation}
    records[Operation] = sorted(operations, key=lambda o: o.pk)
    case_ids = [str(c.pk) for c in records.get(Case, [])]
    records[AuditEvent] = list(AuditEvent.objects.filter(object_type="findings.case", object_id__in=case_ids)[:4])
    return records


def forbidden_markers(world: World, role: str) -> dict[str, str]:
    markers = {}
    for name, how in FORBIDDEN[role].items():
        family = world.families[name]
        chosen = family.markers if how == "all" else family.private
        markers |= {f"{name} {key}": value for key, value in chosen.items()}
    return markers


def _ids(records) -> list:
    return [r.pk for r in records]


def value_sets(pattern: Pattern, world: World, targets: dict) -> list[dict]:
    """Every combination of parameter values to try on ``pattern``."""
    params = pattern.params
    if not params:
        return [{}]
    cast = world.cast
    view_class = getattr(pattern.callback, "cls", None)
    model = getattr(getattr(view_class, "queryset", None), "model", None) or getattr(view_class, "model", None)
    lookup = getattr(view_class, "lookup_field", "pk")
    choices = {}
    for param in params:
        if view_class is not None and param in (lookup, "pk") and model is not None:
            if model is Indicator:
                choices[param] = [Indicator.objects.first().code]
            elif model in targets:
                choices[param] = _ids(targets[model])
            else:  # reference data every member may read (agencies, platforms...): one id will do
                choices[param] = [model.objects.order_by("pk").values_list("pk", flat=True).first() or 1]
        elif param == "code":
            choices[param] = [cast.operation.code, cast.other_operation.code]
        elif param == "kind":
            choices[param] = list(KINDS)
        elif param == "reference":
            choices[param] = [c.reference for c in targets.get(Case, [])]
        elif param == "report_id":
            choices[param] = [r.pk for r in targets[Report]]
        elif param == "pk" and pattern.name in PAGE_PK_MODEL:
            choices[param] = _ids(targets.get(PAGE_PK_MODEL[pattern.name], []))
        elif param in ("pk", "object_id", "id"):
            choices[param] = sorted({r.pk for rs in targets.values() for r in rs if isinstance(r.pk, int)})[:12]
        elif param == "app_label":
            choices[param] = ["findings"]
        elif param == "content_type_id":
            choices[param] = [1]
        elif param == "url":
            choices[param] = [f"findings/case/{_ids(targets.get(Case, []))[0]}/"]
        else:
            choices[param] = ["probe"]
    if pattern.route.startswith("admin/"):
        # The admin is for staff, which no role of the cast is: one address per pattern shows it turns them away.
        choices = {param: values[-1:] for param, values in choices.items()}
    combos = [dict(zip(params, values, strict=True)) for values in itertools.product(*choices.values())]
    if "kind" in params and "pk" in params and view_class is None:
        # The finding pages: each kind with the ids of that kind only (other pairs are plain 404s).
        combos = [c for c in combos if c["pk"] in _ids(targets.get(KINDS[c["kind"]], []))]
    return combos


def post_body(world: World, targets: dict) -> dict:
    """A form that names the other team's records wherever a form takes a record."""
    cast = world.cast
    case = targets.get(Case, [None])[0]
    return {
        "case": case.reference if case else "", "team": "DE", "prosecutor": str(cast.prosecutor.pk),
        "justification": "Sweeping every address for leaks", "indicator": "crypto-only-payment",
        "reason": "Not now", "figure": "victims", "kind": "case_file", "note": "probe", "with_indications": "1",
        "platform": str(cast.platform.pk), "title": "Probe", "exploitation_type": "sexual",
        "lines": "https://probe.example/a", "lines_are": "urls", "alias": "Probe",
        "operation": str(targets[Operation][-1].pk), "finding": f"case:{case.pk}" if case else "",
        "referred_to": "Probe", "version": "1",
    }


def query_probe(targets: dict) -> dict:
    case = targets.get(Case, [None])[0]
    return {"case": case.pk if case else 0, "operation": targets[Operation][-1].pk,
            "finding": f"case:{case.pk}" if case else "", "team": "FR"}


def answer_text(response) -> str:
    if getattr(response, "streaming", False):
        body = b"".join(response.streaming_content)
    else:
        body = response.content
    headers = " ".join(f"{k}: {v}" for k, v in response.items())
    return headers + "\n" + body.decode("utf-8", errors="replace")


@dataclass
class Sweep:
    role: str
    requests: int = 0
    patterns: set = field(default_factory=set)
    leaks: list = field(default_factory=list)
    statuses: dict = field(default_factory=dict)
    redirects: list = field(default_factory=list)


def sweep_as(role: str, world: World) -> Sweep:
    cast = world.cast
    user = getattr(cast, role)
    client = Client()
    if role != "anonymous":
        client.force_login(user)
    targets = targets_of(world, role)
    markers = forbidden_markers(world, role)
    body = post_body(world, targets)
    result = Sweep(role=role)

    def check(method, path, response, sent):
        result.requests += 1
        result.statuses[response.status_code] = result.statuses.get(response.status_code, 0) + 1
        if response.status_code == 302:
            result.redirects.append((method, path, response["Location"]))
        leaked = [name for name in found_in(answer_text(response), markers) if markers[name] not in sent]
        if leaked:
            result.leaks.append((method, path, response.status_code, leaked))

    for pattern in all_patterns():
        refused = set()  # methods the pattern answered 405 to
        for values in value_sets(pattern, world, targets):
            path = build_path(pattern.route, values)
            try:
                match = resolve(path)
            except Resolver404:
                continue
            if match.route != pattern.route:
                continue  # e.g. a kind this page does not take, caught by the catch-all
            result.patterns.add((pattern.route, pattern.name))
            if "GET" not in refused:
                response = client.get(path)
                check("GET", path, response, path)
                if response.status_code == 405:
                    refused.add("GET")  # the view takes no GET: the other ids would get the same answer
                elif not pattern.is_admin:  # the admin is for staff, which no role is: it sent them to its login
                    if pattern.is_api:
                        check("GET html", path, client.get(path, HTTP_ACCEPT="text/html"), path)
                    if not values or set(values) <= {"code"}:
                        probe = query_probe(targets)
                        check("GET ?", path, client.get(path, probe), path + json.dumps(probe))
            if pattern.name in NO_POST or pattern.is_admin or "POST" in refused:
                continue
            if pattern.is_api:
                response = client.post(path, json.dumps(body), content_type="application/json")
            else:
                response = client.post(path, body)
            check("POST", path, response, path + json.dumps(body))
            if response.status_code == 405:
                refused.add("POST")
            if role != "anonymous" and pattern.name in RELOGIN_AFTER:
                client.force_login(user)  # the session may have ended or lost its second factor: carry on
    return result


@pytest.mark.parametrize("role", ROLES)
def test_no_answer_to_any_address_carries_another_teams_unshared_data(world, role, record_property):
    cast = world.cast
    patterns = all_patterns()
    result = sweep_as(role, world)
    record_property("requests", result.requests)
    print(f"\n{role}: {len(result.patterns)} patterns, {result.requests} requests, statuses {result.statuses}")
    assert not result.leaks, "\n".join(f"{m} {p} -> {s}: {names}" for m, p, s, names in result.leaks[:30])
    # Every pattern was reached with at least one address, so that nothing escapes the sweep.
    missing = {(p.route, p.name) for p in patterns} - result.patterns
    assert not missing, sorted(missing)
    # And the sweep saw real pages: each member reads its own records where it works.
    if role in OWN:
        own = world.families[OWN[role]]
        client = Client()
        client.force_login(getattr(cast, role))
        operation = own["case"].operation
        html = client.get(f"/operations/{operation.code}/workspace/").content.decode()
        assert own.operation["urlpath"] in html


def test_a_url_shared_with_the_operation_does_not_name_its_unshared_case(world):
    """URLs and accounts are the operation's, the case they hang off is the team's: not even its id."""
    cast, fr = world.cast, world.families["fr"]
    client = Client()
    client.force_login(cast.de)
    for resource, record in (("urls", fr["url"]), ("social-accounts", fr["account"])):
        assert client.get(f"/api/v1/{resource}/{record.pk}/").json()["case"] is None
        rows = client.get(f"/api/v1/{resource}/", {"operation": cast.operation.pk}).json()["results"]
        assert {row["case"] for row in rows if row["team"] == "FR"} == {None}
        export = b"".join(client.get(f"/api/v1/{resource}/export/").streaming_content).decode()
        assert fr["case"].reference not in export
        assert fr.operation["handle" if resource == "social-accounts" else "urlpath"] in export
    client.force_login(cast.fr)  # the team that owns the case still sees it named
    assert client.get(f"/api/v1/urls/{fr['url'].pk}/").json()["case"] == fr["case"].pk
