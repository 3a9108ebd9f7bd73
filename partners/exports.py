"""Exports in the partners' formats: build the document, record the disclosure, answer it as a file.

The format libraries are imported on first use: PyMISP and stix2 take more than a second to import,
and a web or worker process that never exports should not pay for them at start.
"""

from django.http import HttpResponse

from .scope import Scope, record_disclosure

STIX_MEDIA_TYPE = "application/stix+json;version=2.1"
MISP_MEDIA_TYPE = "application/json"


def stix_export(scope: Scope) -> str:
    """The export as a STIX 2.1 bundle (JSON text), recorded in the audit trail as a disclosure."""
    from .stix import stix_bundle

    text = stix_bundle(scope).serialize(pretty=True)
    record_disclosure(scope, what="a STIX 2.1 bundle")
    return text


def misp_export(scope: Scope) -> str:
    """The export as a MISP event (JSON text, ``{"Event": …}``), recorded in the audit trail as a disclosure."""
    from .misp import misp_event, misp_json

    text = misp_json(misp_event(scope))
    record_disclosure(scope, what="a MISP event")
    return text


def _name(scope: Scope) -> str:
    return scope.cases[0].case.reference if scope.key.startswith("case:") else scope.operation.code


def export_response(scope: Scope, fmt: str) -> HttpResponse:
    if fmt == "stix":
        response = HttpResponse(stix_export(scope), content_type=STIX_MEDIA_TYPE)
    else:
        response = HttpResponse(misp_export(scope), content_type=MISP_MEDIA_TYPE)
    response["Content-Disposition"] = f'attachment; filename="actionday-{_name(scope)}.{fmt}.json"'
    return response
