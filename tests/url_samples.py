"""Every URL pattern of the site, each as one address that resolves to it — for the tests that try
every door (two-factor enforcement, CSRF).

    for pattern in url_patterns():
        path = pattern.sample(code=operation.code, pk=case.pk, ...)
"""

import re
import uuid
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver, resolve

# A value for each parameter name in the site's URL patterns; tests pass real ones where they have them.
DEFAULTS = {
    "code": "OP-1",
    "kind": "case",
    "pk": "1",
    "reference": "C-AAAAAAAA",
    "report_id": str(uuid.UUID(int=1)),
    "object_id": "1",
    "content_type_id": "1",
    "app_label": "auth",
    "id": "1",
    "url": "nothing-here/",
    "format": "json",
}

_ROUTE_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
_REGEX_PARAM = re.compile(r"\(\?P<(?P<name>\w+)>(?P<regex>(?:[^()]|\([^()]*\))*)\)")


@dataclass(frozen=True)
class Pattern:
    route: str  # the pattern as written, prefixes included
    name: str  # namespace:name, or the route when the pattern has no name
    callback: object

    def sample(self, **values) -> str:
        """An address for this pattern, with ``values`` (else DEFAULTS) for its parameters."""
        values = DEFAULTS | {k: str(v) for k, v in values.items()}

        def route_value(match):
            return values.get(match.group("name"), "1")

        def regex_value(match):
            # The given value if the pattern takes it (a report's pk is a UUID, a case's a number).
            candidates = [values.get(match.group("name"), "1"), *values.values()]
            return next((c for c in candidates if re.fullmatch(match.group("regex"), c)), candidates[0])

        path = _REGEX_PARAM.sub(regex_value, self.route)
        path = _ROUTE_PARAM.sub(route_value, path)
        path = path.replace("^", "").replace("$", "").replace("\\", "")
        path = re.sub(r"\.\*", "nothing-here/", path)
        return "/" + path

    @property
    def is_api(self) -> bool:
        return self.route.startswith("api/")


def url_patterns() -> list[Pattern]:
    found = []

    def walk(patterns, prefix="", namespace=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = f"{namespace}:{entry.namespace}" if namespace and entry.namespace else (
                    entry.namespace or namespace
                )
                walk(entry.url_patterns, prefix + str(entry.pattern), inner)
            elif isinstance(entry, URLPattern):
                route = prefix + str(entry.pattern)
                name = f"{namespace}:{entry.name}" if namespace and entry.name else (entry.name or route)
                found.append(Pattern(route=route, name=name, callback=entry.callback))

    walk(get_resolver().url_patterns)
    return found


def resolves_to(path: str, pattern: Pattern) -> bool:
    return resolve(path.split("?")[0]).func == pattern.callback
