"""Schemathesis drives every operation of /api/schema/ with generated requests, valid and not.

Any 5xx, or an answer whose status, content type, headers or body the schema does not describe,
fails the test. The number of examples per operation is bounded so the run stays under a minute.
The requests go straight to the WSGI application inside the test's transaction, authenticated
as a coordinator (who may read and change most of what the cast logs).
"""

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application
from findings import services as findings

from .cast import build_cast

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
CONFIG = SchemathesisConfig.from_dict(
    {
        # Fuzzing only (the coverage phase would try every boundary of every field: minutes, not seconds).
        "phases": {"examples": {"enabled": False}, "coverage": {"enabled": False}, "stateful": {"enabled": False}},
        "generation": {"max-examples": 5, "mode": "all", "deterministic": True, "database": "none"},
    }
)


@pytest.fixture
def api_token(db):
    cast = build_cast()
    family = cast.family_of(cast.de)
    findings.case_share_with_team(user=cast.de, case=family["case"], team="FR")
    findings.url_log(user=cast.fr, operation=cast.operation, raw_url="https://jobs-abroad.example/offer/7")
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


schema = schemathesis.openapi.from_dict(served_schema(), config=CONFIG)
schema.app = application  # requests go straight to the WSGI application


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_answers_as_its_schema_says(case, api_token):
    case.call_and_validate(headers={"Authorization": f"Token {api_token}"}, checks=CHECKS)
