"""Schemathesis drives every operation of /api/schema/ with generated requests, valid and not, and then
chains them statefully (an id from one answer into the next request, links inferred from the schema).

Every check runs: no 5xx; status, content type, headers and body as documented; a request the schema
refuses is refused (4xx) and one it allows is not refused with a 400. The size is what CI affords on two
cores (``SCHEMATHESIS_EXAMPLES``, ``SCHEMATHESIS_STEPS`` raise it for a longer run by hand). The
requests go straight to the WSGI application inside the test's transaction, authenticated as a
coordinator (who may read and change most of what the cast logs).

What the schema cannot say, the harness supplies in the requests it calls valid: which ids exist (the
generator draws them at random; an id nobody may see is a 400 with a field error, as documented), a
fresh Idempotency-Key per request (a key is meant to be used once), a URL and a handle that are ones
(what the code takes for either, defanged forms and profile links included, no pattern says), the reason
for reading a possible victim's record (either the header or the query parameter; OpenAPI cannot say
"one of the two"), a team that takes part in the operation, and the restrictions of handling code H3.
Requests the schema refuses are sent as drawn.
"""

import json
import os
import uuid

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, settings
from rest_framework.authtoken.models import Token
from schemathesis.config import SchemathesisConfig

from config.wsgi import application
from findings import services as findings
from operations.models import Membership

from .cast import build_cast

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "25"))
STEPS = int(os.environ.get("SCHEMATHESIS_STEPS", "60"))
CONFIG = SchemathesisConfig.from_dict(
    {
        # Chains stay with valid requests: a link fills an invalid body in with valid values (schemathesis).
        "phases": {"examples": {"enabled": True}, "coverage": {"enabled": False},
                   "stateful": {"enabled": True, "generation": {"mode": "positive"}}},
        "generation": {"max-examples": EXAMPLES, "mode": "all", "deterministic": True, "database": "none"},
    }
)
JUSTIFICATION = "Schemathesis checks the API contract"
# Fields of a request body that name another record or reference data, and what the harness sends instead.
KNOWN: dict = {}
# Files an import takes: a schema says "a file"; which columns and values is code (and the description).
IMPORT_FILES = {
    "/api/v1/focus-tags/import/": b"name\nTag FRESH\n",
    "/api/v1/platform-catalogue/import/":
        b"name,category,surface,domains\nPlatform FRESH,forum,surface,FRESH.example\n",
    # A partner's plain watch list: a number and a host of its own each time, so that a list adds something.
    "/api/v1/operations/{id}/watch-lists/": b"# partner list\n+4915123456789\nsite-FRESH.example\n",
}


@pytest.fixture
def api_token(db):
    cast = build_cast()
    family = cast.family_of(cast.de)
    findings.case_share_with_team(user=cast.de, case=family["case"], team="FR")
    findings.url_log(user=cast.fr, operation=cast.operation, raw_url="https://jobs-abroad.example/offer/7")
    # The coordinator of the lead agency also sets the operation up (focus tags, participants, catalogue).
    Membership.objects.filter(operation=cast.operation, user=cast.coordinator).update(
        agency=cast.operation.lead_agency)
    KNOWN.update(operation=cast.operation.pk, platform=cast.platform.pk, case=family["case"].pk,
                 prosecutor=cast.prosecutor.username, team="FR", url=family["url"].pk, check=family["check"].pk)
    # As Django's test client does: a request must not close the connection that holds the test's
    # transaction (the WSGI handler would, at the end of each request).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield Token.objects.create(user=cast.coordinator).key
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def served_schema() -> dict:
    """The document /api/schema/ serves (the same generator, called without a request: tests are
    collected before there is a database to authenticate against)."""
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.settings import spectacular_settings
    from rest_framework.renderers import JSONRenderer

    document = SchemaGenerator().get_schema(request=None, public=spectacular_settings.SERVE_PUBLIC)
    return json.loads(JSONRenderer().render(document))


def supply_what_the_schema_cannot_say(case) -> None:
    if not (case.meta and case.meta.generation.mode.is_positive):
        return
    if case.headers and "Idempotency-Key" in case.headers:
        case.headers["Idempotency-Key"] = uuid.uuid4().hex
    if case.query is not None and "justification" not in case.query and "X-Justification" in _parameters(case):
        case.headers = {**(case.headers or {}), "X-Justification": JUSTIFICATION}
    if case.path == "/api/v1/captures/" and case.method == "POST" and not isinstance(case.body, dict):
        case.body = {}  # a capture needs something to capture: the body is required in all but name
    body = case.body
    if not isinstance(body, dict):
        return
    for name in ("operation", "platform", "prosecutor"):
        if name in body:
            body[name] = KNOWN[name]
    if "team" in body and case.path.endswith(("/share/", "/unshare/")):  # a team that takes part
        body["team"] = KNOWN["team"]
    if body.get("case") is not None:
        body["case"] = KNOWN["case"]
    if body.get("duplicate_of") is not None:  # a record of the same kind the user may see: no pattern says which
        body.pop("duplicate_of")
    for name in ("focus_tags", "indicators"):  # names of the operation's tags, codes of the taxonomy
        if name in body:
            body[name] = []
    if body.get("handling_code") == "H3":  # "other restrictions", which must then be written out
        body["handling_restrictions"] = "Not for the press before the trial"
    if "url" in body and case.path == "/api/v1/urls/":  # canonical_url: what a URL is takes code to say
        body["url"] = f"https://site-{uuid.uuid4().hex[:8]}.example/advert"
    if "handle" in body and case.path == "/api/v1/social-accounts/":  # canonical_handle, the same
        body["handle"] = f"@account_{uuid.uuid4().hex[:8]}"
    if case.path == "/api/v1/evidence/" and case.method == "POST":  # a file documents one finding, or none
        for name in ("case", "suspect", "victim", "url", "account"):
            body.pop(name, None)
        body["operation"] = KNOWN["operation"]
    if case.path == "/api/v1/captures/" and case.method == "POST":  # exactly one thing to capture
        for name in ("case", "platform_check", "addresses"):
            body.pop(name, None)
        body["url"] = KNOWN["url"]
    if case.path == "/api/v1/memberships/" and case.method == "POST":  # a person new to ActionDay has a name
        body["name"] = body.get("name") or "Ana Novak"
        body.pop("agency", None)  # an agency id that exists: no pattern says which
    fresh = uuid.uuid4().hex[:8]
    if case.method == "POST" and case.path in ("/api/v1/focus-tags/", "/api/v1/platforms/"):  # names are unique
        body["name"] = f"Name {fresh}"
        body.pop("domains", None)
    if case.method == "POST" and case.path == "/api/v1/operations/{id}/watch-lists/":  # the file says its format
        body.pop("format", None)
    if case.path.startswith("/api/v1/locations/") and case.method in ("POST", "PATCH"):
        body["city"] = f"Town {fresh}"  # an address or a city, and a place the team has not logged yet
    if case.method == "POST" and "file" in body:  # what a file holds, only the columns named in the description
        body["file"] = IMPORT_FILES.get(case.path, b"").replace(b"FRESH", fresh.encode()) or body["file"]


def _parameters(case) -> set[str]:
    return {parameter.name for parameter in case.operation.headers}


schema = schemathesis.openapi.from_dict(served_schema(), config=CONFIG)
schema.app = application  # requests go straight to the WSGI application


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_answers_as_its_schema_says(case, api_token):
    supply_what_the_schema_cannot_say(case)
    case.call_and_validate(headers={"Authorization": f"Token {api_token}"})


class Workflow(schema.as_state_machine()):
    token = ""

    # Each scenario starts from the same records: hypothesis replays a scenario to confirm what it
    # found, and a replay that meets an operation closed by the scenario before draws other steps.
    def setup(self):
        self._scenario = transaction.atomic()
        self._scenario.__enter__()

    def teardown(self):
        transaction.set_rollback(True)
        self._scenario.__exit__(None, None, None)

    def before_call(self, case):
        supply_what_the_schema_cannot_say(case)

    def get_call_kwargs(self, case):
        return {"headers": {"Authorization": f"Token {self.token}"}}

    def validate_response(self, response, case, additional_checks=None, **kwargs):
        # The checks are told which header authenticates (the one that checks unauthenticated calls drops it).
        case.validate_response(response, headers=kwargs.get("headers"), additional_checks=additional_checks,
                               transport_kwargs=kwargs or None, recorder=self.recorder)


def test_chained_requests_answer_as_the_schema_says(api_token):
    Workflow.token = api_token
    Workflow.run(settings=settings(max_examples=STEPS, deadline=None, suppress_health_check=list(HealthCheck),
                                   stateful_step_count=6, derandomize=True, database=None,
                                   phases=[Phase.explicit, Phase.generate]))
