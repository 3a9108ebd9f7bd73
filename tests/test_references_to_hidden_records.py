"""Histories, timelines, lists, exports and PDFs name another record only when the reader may see it.

Records move between a case the French analyst sees (shared with FR) and one they do not; a victim is
marked the same person as a victim of the hidden case; a French suspect hangs off the hidden case. Every
page, API answer, export and the case file (PDF) is read as the French analyst: the hidden case is
"another case", the hidden victim "another record", and neither's reference, code or id is printed —
until the case is shared, when they are (the rule decides, not a blanket rule of silence).
"""

import csv
import io
import json

import pytest
from django.test import Client
from django.urls import reverse

from evidence.services import evidence_attach
from findings import duplicates
from findings import services as findings
from findings.case_reader import HIDDEN_CASE, HIDDEN_RECORD
from reports import building

from .api_client import api_as, url
from .cast import PNG
from .test_pdf_case_file import pdf_pages

pytestmark = pytest.mark.django_db

REASON = "Checking what the case file says"


@pytest.fixture(autouse=True)
def report_storage(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)},
    }}


@pytest.fixture
def moved(cast):
    from django.core.files.uploadedfile import SimpleUploadedFile

    shared = cast.case_of(cast.de, title="Shared with FR")
    hidden = cast.case_of(cast.de, title="Kept to DE")
    findings.case_share_with_team(user=cast.de, case=shared, team="FR")
    suspect = findings.suspect_log(user=cast.de, operation=cast.operation, alias="Dima")
    findings.link_to_case(user=cast.de, finding=suspect, case=hidden)
    findings.link_to_case(user=cast.de, finding=suspect, case=shared)  # moved from the hidden case
    victim = findings.victim_log(user=cast.de, operation=cast.operation, case=shared, age_band="18-24")
    twin = findings.victim_log(user=cast.de, operation=cast.operation, case=hidden, age_band="18-24")
    duplicates.victims_link_duplicates(user=cast.coordinator, victim=victim, duplicate_of=twin)
    french = findings.suspect_log(user=cast.fr, operation=cast.operation, alias="Marko")
    findings.link_to_case(user=cast.coordinator, finding=french, case=hidden)  # FR's own, on DE's hidden case
    evidence = evidence_attach(user=cast.fr, finding=french, upload=SimpleUploadedFile("m.png", PNG))
    url_record, _ = findings.url_log(user=cast.de, operation=cast.operation, raw_url="https://lead.example/1",
                                     case=hidden)
    return {"shared": shared, "hidden": hidden, "suspect": suspect, "victim": victim, "twin": twin,
            "french": french, "evidence": evidence, "url": url_record}


def _pages(cast, m) -> str:
    client = Client()
    client.force_login(cast.fr)
    op = cast.operation.code
    client.post(reverse("finding_justify", args=[op, "victim", m["victim"].pk]), {"justification": REASON})
    addresses = [
        reverse("case_detail", args=[op, m["shared"].reference]), reverse("workspace", args=[op]),
        *(reverse("finding_detail", args=[op, kind, m[key].pk])
          for kind, key in (("suspect", "suspect"), ("suspect", "french"), ("victim", "victim"), ("url", "url"))),
    ]
    text = ""
    for address in addresses:
        response = client.get(address)
        assert response.status_code == 200, address
        text += response.content.decode()
    return text


def _api(cast, m) -> tuple[str, dict]:
    client = api_as(cast.fr)
    why = {"HTTP_X_JUSTIFICATION": REASON}
    answers = {name: client.get(url(f"{name}-list"), **why).json()["results"]
               for name in ("suspect", "victim", "url", "evidence")}
    answers["bundle"] = client.get(url("case-bundle", m["shared"].pk), **why).json()
    text = json.dumps(answers)
    for name in ("suspect", "victim", "url", "social-account", "evidence"):
        text += b"".join(client.get(url(f"{name}-export"), **why).streaming_content).decode()
    return text, answers


def _case_file(cast, m) -> str:
    report = building.report_request(user=cast.fr, kind="case_file", operation=cast.operation, case=m["shared"])
    assert building.report_build(report.pk) == "built"
    report.refresh_from_db()
    return "\n".join(pdf_pages(report.file.path))


def test_no_page_answer_export_or_case_file_names_a_hidden_record(cast, moved):
    m = moved
    pages, (api, answers), pdf = _pages(cast, m), _api(cast, m), _case_file(cast, m)
    for text in (pages, api, pdf):
        assert m["hidden"].reference not in text
        assert m["twin"].code not in text
        assert f"possible victim {m['twin'].pk}" not in text
    assert HIDDEN_CASE in pages and HIDDEN_RECORD in pages  # the history tells of the move and the twin
    assert HIDDEN_RECORD in pdf
    by_id = {name: {row["id"]: row for row in rows} for name, rows in answers.items() if name != "bundle"}
    assert by_id["victim"][m["victim"].pk]["duplicate_of"] is None
    assert by_id["suspect"][m["french"].pk]["case"] is None
    assert by_id["evidence"][m["evidence"].pk]["case"] is None
    assert by_id["url"][m["url"].pk]["case"] is None
    assert [v["duplicate_of"] for v in answers["bundle"]["victims"]] == [None]
    exported = {row["id"]: row for row in csv.DictReader(io.StringIO(_export(cast, "suspect")))}
    assert exported[str(m["french"].pk)]["case"] == ""


def _export(cast, name) -> str:
    return b"".join(api_as(cast.fr).get(url(f"{name}-export")).streaming_content).decode()


def test_once_the_case_is_shared_its_records_are_named(cast, moved):
    m = moved
    findings.case_share_with_team(user=cast.de, case=m["hidden"], team="FR")
    pages, (api, answers), pdf = _pages(cast, m), _api(cast, m), _case_file(cast, m)
    assert m["hidden"].reference in pages and m["hidden"].reference in api and m["twin"].code in pdf
    assert {v["id"]: v["duplicate_of"] for v in answers["victim"]}[m["victim"].pk] == m["twin"].pk


def test_a_record_moved_back_to_the_hidden_case_leaves_the_shared_cases_history(cast, moved):
    m = moved
    findings.link_to_case(user=cast.de, finding=m["suspect"], case=m["hidden"])
    pages, (api, answers), pdf = _pages_without_suspect(cast, m), _api(cast, m), _case_file(cast, m)
    assert "Dima" not in pages and "Dima" not in api and "Dima" not in pdf
    assert m["suspect"].pk not in {row["id"] for row in answers["suspect"]}


def _pages_without_suspect(cast, m) -> str:
    client = Client()
    client.force_login(cast.fr)
    op = cast.operation.code
    assert client.get(reverse("finding_detail", args=[op, "suspect", m["suspect"].pk])).status_code == 404
    return client.get(reverse("case_detail", args=[op, m["shared"].reference])).content.decode()
