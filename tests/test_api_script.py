"""A script written only from the schema, as a country team would write one, over real HTTP.

It reads /api/schema/, finds each call by its operationId, and with nothing else logs an
operation's findings, imports a file, finishes its platform checks, links and refers a case,
uploads evidence and checks its hash on the way back. The coordinators' script then has the
figures compiled and follows the link until they are there; the team asks for its case file, waits
for it to be built and checks the downloaded PDF against its SHA-256. A real Celery worker runs the
jobs, as in production.
"""

import csv
import hashlib
import io
import time

import pytest
import requests
from rest_framework.authtoken.models import Token

from .cast import PNG, build_cast, make_platform

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


class Client:
    """What a user writes first: call an operation of the schema by its id."""

    def __init__(self, base, token):
        self.base, self.session = base, requests.Session()
        self.session.headers["Authorization"] = f"Token {token}"
        schema = self.session.get(f"{base}/api/schema/", headers={"Accept": "application/json"}, timeout=30)
        schema.raise_for_status()
        self.operations = {
            operation["operationId"]: (method.upper(), path)
            for path, methods in schema.json()["paths"].items()
            for method, operation in methods.items()
        }

    def call(self, operation_id, expect=(200, 201), **kwargs):
        method, path = self.operations[operation_id]
        path = path.format(**kwargs.pop("path", {}))
        response = self.session.request(method, self.base + path, timeout=30, **kwargs)
        assert response.status_code in expect, f"{operation_id}: {response.status_code} {response.text[:300]}"
        return response

    def follow(self, path, timeout=60):
        """GET an address answered 202 ("pending") until it answers 200, as its Retry-After says."""
        deadline = time.monotonic() + timeout
        while True:
            response = self.session.get(self.base + path, timeout=30)
            assert response.status_code in (200, 202), f"{path}: {response.status_code} {response.text[:300]}"
            if response.status_code == 200:
                return response.json()
            assert time.monotonic() < deadline, f"{path} still pending after {timeout} s"
            time.sleep(min(float(response.headers.get("Retry-After", 1)), 0.5))

    def all(self, operation_id, **params):
        rows, response = [], self.call(operation_id, params=params).json()
        while True:
            rows += response["results"]
            if not response["next"]:
                return rows
            response = self.session.get(response["next"], timeout=30).json()


def test_a_teams_script_logs_checks_refers_exports_and_downloads_its_case_file(live_server, celery_worker):
    cast = build_cast()
    make_platform("JobBoard", "jobs.example", "job_board")
    api = Client(live_server.url, Token.objects.create(user=cast.de).key)

    operation = api.all("operations_list", code=cast.operation.code)[0]
    assert operation["membership"] == {"role": "analyst", "team": "DE"}
    op = operation["id"]

    # Findings: one at a time, and a file of URLs at once.
    new_case = {"operation": op, "title": "Job adverts", "exploitation_type": "labour"}
    case = api.call("cases_create", json=new_case).json()
    api.call("suspects_create", json={"operation": op, "alias": "Recruiter R.", "case": case["id"]})
    api.call("victims_create", json={"operation": op, "case": case["id"], "age_band": "18-24", "nationality": "UA"})
    urls = "url,note,case\n" + "".join(f"hxxps://jobs[.]example/offer/{i},,{case['reference']}\n" for i in range(25))
    imported = api.call(
        "operations_import", path={"id": op},
        data={"kind": "urls"}, files={"file": ("urls.csv", urls.encode(), "text/csv")},
    ).json()
    assert imported == {"kind": "urls", "rows": 25, "created": 25, "existing": 0}
    assert len(api.all("urls_list", operation=op, case=case["id"], page_size=10)) == 25

    # Platform checks: plan every platform of the catalogue, start and finish each.
    for platform in api.all("platforms_list"):
        check = api.call("platform_checks_create", json={"operation": op, "platform": platform["id"]}).json()
        api.call("platform_checks_start", path={"id": check["id"]})
        api.call("platform_checks_finish", path={"id": check["id"]},
                 json={"with_indications": platform["category"] == "job_board"})
    checks = api.all("platform_checks_list", operation=op, team="DE")
    assert {c["status"] for c in checks} == {"checked"} and len(checks) == 2

    # Evidence, hashed by the server; the same bytes come back.
    evidence = api.call("evidence_create", data={"case": case["id"]}, files={"file": ("advert.png", PNG)}).json()
    assert evidence["sha256"] == hashlib.sha256(PNG).hexdigest()
    downloaded = api.call("evidence_download", path={"id": evidence["id"]})
    assert hashlib.sha256(downloaded.content).hexdigest() == downloaded.headers["X-Evidence-SHA256"]

    # The case moves on: a retried refer (same Idempotency-Key) is answered once.
    key = {"Idempotency-Key": "refer-job-adverts-1"}
    refer = {"path": {"id": case["id"]}, "json": {"referred_to": "BKA Wiesbaden"}, "headers": key}
    first, retried = api.call("cases_refer", **refer), api.call("cases_refer", **refer)
    assert first.json() == retried.json() and retried.headers["Idempotent-Replayed"] == "true"
    api.call("cases_share", path={"id": case["id"]}, json={"prosecutor": cast.prosecutor.username})

    # What the team hands on: the case bundle and a CSV of its URLs.
    why = {"X-Justification": "Handing over to the BKA"}  # the bundle holds the victim's record
    bundle = api.call("cases_bundle", path={"id": case["id"]}, headers=why).json()
    assert (bundle["case"]["status"], len(bundle["urls"]), len(bundle["suspects"])) == ("referred", 25, 1)
    exported = api.call("urls_export", params={"operation": op}).text
    assert len(list(csv.DictReader(io.StringIO(exported)))) == 25

    # The coordinators' script: the figures, compiled now; the link answers once they are stored.
    europol = Client(live_server.url, Token.objects.create(user=cast.coordinator).key)
    pending = europol.call("operations_statistics_compile", expect=(202,), path={"id": op}).json()
    figures = europol.follow(pending["follow"])
    assert figures["figures"]["totals"]["urls"] == 25 and figures["figures"]["totals"]["platforms_checked"] == 2
    assert {row["key"] for row in figures["headline"]} >= {"urls", "victims"}

    # The team's case file: asked for, built by the worker, downloaded and checked against its hash.
    report = api.call("reports_create", expect=(202,),
                      json={"kind": "case_file", "operation": op, "case": case["id"]}).json()
    deadline = time.monotonic() + 90
    while report["status"] in ("queued", "running"):
        assert time.monotonic() < deadline, f"report still {report['status']} ({report['progress']}%)"
        time.sleep(0.5)
        report = api.call("reports_retrieve", path={"id": report["id"]}).json()
    assert report["status"] == "done", report["error"]
    pdf = api.call("reports_download", path={"id": report["id"]})
    assert pdf.content.startswith(b"%PDF-") and pdf.headers["Content-Type"] == "application/pdf"
    assert hashlib.sha256(pdf.content).hexdigest() == report["sha256"] == pdf.headers["X-Report-SHA256"]
    api.session.close()
    europol.session.close()
