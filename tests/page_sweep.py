"""Every page of every role, found from the URL configuration and the demo's data — not from a list
kept by hand, so a page added later is swept as soon as its URL is routed.

``pages_of(user)`` fills each route's parameters with records of the demo operation that the user
may see (an operation code, a case reference, a finding of each kind, a report...), asks for it as
that user, and keeps what answers 200 with a whole HTML page. Routes with a parameter nobody here
knows how to fill are returned apart, so a test can say which pages it could not reach.
"""

import importlib
import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.invitations import invitations_issue
from findings.models import Case, DetectedUrl, Evidence, Hit, Location, PossibleVictim, SocialAccount, Suspect
from operations.models import Membership, Operation
from platforms.models import PlatformCheck
from reports.models import Report
from setup.steps import next_steps

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
OVERFLOW_JS = (Path(__file__).parent / "overflow.js").read_text()
# Not pages of ours: the API and its documentation, Django's admin, machine endpoints.
NOT_PAGES = ("api/", "admin/", "healthz", "static/", "favicon")
_PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")
KINDS = {"case": Case, "suspect": Suspect, "victim": PossibleVictim, "url": DetectedUrl, "account": SocialAccount,
         "location": Location}
ROLES = ["analyst.de", "coordinator", "prosecutor", "admin", None]  # None: not logged in
WIDTHS = [1024, 1280]


def routes():
    """(route, name) of every URL pattern, resolvers walked."""
    def walk(patterns, prefix="", converters=None):
        converters = converters or {}
        for pattern in patterns:
            found = converters | getattr(pattern.pattern, "converters", {})
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), found)
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern), found
    return [(route, converters) for route, converters in walk(get_resolver().url_patterns)
            if not route.startswith(NOT_PAGES)]


def _values(user, operation) -> dict[str, list]:
    """Candidate values of each route parameter, for this user."""
    if user is None:
        return {"token": [_sign_up_token()]}
    if operation is None:
        return {}
    first = {kind: model.objects.visible_to(user).in_operation(operation).order_by("pk").first()
             for kind, model in KINDS.items()}
    case = first["case"]
    lone = [r.pk for r in (PlatformCheck.objects.visible_to(user).filter(operation=operation).first(),
                           Evidence.objects.visible_to(user).filter(operation=operation).first(),
                           Hit.objects.visible_to(user).in_operation(operation).first()) if r is not None]
    return {
        "code": [operation.code],
        "reference": [case.reference] if case else [],
        "kind+pk": [(kind, record.pk) for kind, record in first.items() if record is not None],
        "pk": lone,
        "report_id": [str(r.pk) for r in Report.objects.visible_to(user).filter(operation=operation)[:3]],
        "target": [target for target, *_ in next_steps(operation)],
        "member_pk": [m.pk for m in Membership.objects.filter(operation=operation).order_by("pk")[:1]],
    }


def _sign_up_token() -> str:
    """The token of a fresh sign-up link: the page a newcomer opens from the mail."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    newcomer, _ = users.get_or_create(username="sweep.newcomer", defaults={"email": "new@example.invalid"})
    [link] = invitations_issue(by=users.filter(is_superuser=True).first(), users=[newcomer], next_url="/",
                               site_url="http://testserver/")
    return link.url.rstrip("/").rsplit("/", 1)[-1]


@dataclass
class Sweep:
    pages: list[str] = field(default_factory=list)
    unreachable: list[str] = field(default_factory=list)  # routes with a parameter we cannot fill


def _paths(route: str, converters: dict, values: dict) -> list[str] | None:
    names = list(converters)
    if not names:
        return [route]
    if "people/<int:pk>" in route:  # a membership of the operation, not a record of a finding
        values = values | {"pk": values.get("member_pk", [])}
    if "kind" in names and "pk" in names:
        combos = [{"kind": kind, "pk": pk} for kind, pk in values.get("kind+pk", [])]
        rest = [n for n in names if n not in ("kind", "pk")]
    else:
        combos, rest = [{}], names
    for name in rest:
        if name not in values:
            return None
        combos = [combo | {name: value} for combo, value in itertools.product(combos, values[name])]
    paths = []
    for combo in combos:
        path = _PARAMETER.sub(lambda match, combo=combo: str(combo[match.group(1)]), route)
        if "<" not in path:
            paths.append(path)
    return paths


def pages_of(user, operation) -> Sweep:
    """The whole HTML pages ``user`` (None: anonymous) gets with a plain GET."""
    client = Client()
    if user is not None:
        client.force_login(user)
    values = _values(user, operation)
    sweep = Sweep()
    for route, converters in routes():
        paths = _paths(route, converters, values)
        if paths is None:
            sweep.unreachable.append(route)
            continue
        for path in paths:
            response = client.get("/" + path)
            if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
                continue
            if b"<html" not in response.content[:300]:
                continue  # a partial that htmx swaps into a page
            sweep.pages.append("/" + path)
    return sweep


def seed_demo() -> None:
    """The demo operation, in a database that a transactional test may have flushed: the indicator
    taxonomy a migration put there goes first, as the migration does it."""
    from django.apps import apps

    from demo.seeding import seed

    importlib.import_module("findings.migrations.0003_indicator_taxonomy").seed(apps, None)
    seed()


def demo_users():
    """The demo's users by name (after ``demo.seeding.seed()``), None for the anonymous visitor."""
    from django.contrib.auth import get_user_model

    users = {u.username: u for u in get_user_model().objects.filter(username__in=[r for r in ROLES if r])}
    return {role: users.get(role) for role in ROLES}


def demo_operation() -> Operation:
    from demo.seeding import OPERATION_CODE

    return Operation.objects.get(code=OPERATION_CODE)


def operation_of(user, operation):
    """The operation to sweep for ``user``: the demo's when they are a member of it."""
    if user is None:
        return None
    if user.is_staff or Membership.objects.filter(user=user, operation=operation).exists():
        return operation  # an administrator sets up every operation, a member works in theirs
    return None


def open_as(browser, live_server, user, *, width: int):
    """A Chromium page logged in as ``user`` (both factors, through a session made by the test client)."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    if user is not None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies["sessionid"]
        context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])
    return context, context.new_page()
