"""The schema documents every header, parameter format and status the code uses, so that a script (or
schemathesis, tests/test_schemathesis.py) written from it alone is neither refused for what it allows nor
let through with what it refuses."""

import pytest
import yaml

from .api_client import api_as

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(cast):
    return yaml.safe_load(api_as(cast.de).get("/api/schema/").content)


def parameters(operation):
    return {p["name"]: p for p in operation.get("parameters", [])}


def test_the_idempotency_key_is_documented_as_the_code_checks_it(schema):
    key = parameters(schema["paths"]["/api/v1/suspects/"]["post"])["Idempotency-Key"]
    assert key["in"] == "header"
    assert (key["schema"]["maxLength"], key["schema"]["minLength"]) == (255, 1)
    assert key["schema"]["pattern"] == r"^[!-~](?:[ -~]*[!-~])?$"
    assert "422" in schema["paths"]["/api/v1/suspects/"]["post"]["responses"]


def test_every_list_documents_its_cursor_page_size_and_a_cursor_pointing_nowhere(schema):
    lists = [(path, ops["get"]) for path, ops in schema["paths"].items()
             if "get" in ops and "cursor" in parameters(ops["get"])]
    assert len(lists) >= 12
    for path, operation in lists:
        params = parameters(operation)
        assert params["cursor"]["schema"]["pattern"], path
        assert params["page_size"]["schema"] == {"type": "integer", "minimum": 1}, path
        assert {"400", "404"} <= set(operation["responses"]), path


def test_every_id_filter_is_an_integer_in_range(schema):
    found = 0
    for path, operations in schema["paths"].items():
        for name, parameter in parameters(operations.get("get", {})).items():
            if name in ("operation", "case", "suspect", "victim", "url", "account", "platform", "seq_after"):
                assert parameter["schema"]["type"] == "integer", (path, name)
                assert parameter["schema"]["maximum"] == 2**63 - 1, (path, name)
                found += 1
    assert found >= 30


def test_string_filters_say_they_need_a_value(schema):
    alias = parameters(schema["paths"]["/api/v1/suspects/"]["get"])["alias"]["schema"]
    assert alias["minLength"] == 1 and alias["pattern"] == r"^[^\x00]*$"


@pytest.mark.parametrize("path,method", [
    ("/api/v1/victims/{id}/", "get"), ("/api/v1/victims/", "get"), ("/api/v1/victims/export/", "get"),
    ("/api/v1/cases/{id}/bundle/", "get"), ("/api/v1/evidence/{id}/download/", "get"),
])
def test_every_read_of_victims_documents_the_reason_it_asks_and_the_428(schema, path, method):
    operation = schema["paths"][path][method]
    params = parameters(operation)
    for name, where in (("X-Justification", "header"), ("justification", "query")):
        assert params[name]["in"] == where
        assert params[name]["schema"]["minLength"] == 10 and params[name]["schema"]["maxLength"] == 500
    assert "428" in operation["responses"]


def test_request_bodies_take_no_field_they_do_not_list(schema):
    bodies = [name for name, component in schema["components"]["schemas"].items()
              if name.endswith("Request") and component.get("type") == "object"]
    assert len(bodies) >= 15
    for name in bodies:
        assert schema["components"]["schemas"][name]["additionalProperties"] is False, name


def test_transitions_document_the_conflict_and_bodies_the_media_type(schema):
    paths = schema["paths"]
    for path in ("/api/v1/cases/{id}/refer/", "/api/v1/operations/{id}/archive/",
                 "/api/v1/platform-checks/{id}/finish/"):
        assert "409" in paths[path]["post"]["responses"], path
    assert "415" in paths["/api/v1/cases/"]["post"]["responses"]
    assert "oneOf" in schema["components"]["schemas"]["ReportRequestRequest"]
