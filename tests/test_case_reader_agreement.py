"""The case page, the JSON bundle and the case file (PDF) show one case the same way: one reader.

Each reads through ``findings.case_reader.read_case``; here the three outputs themselves are
compared — the records they list and the history they print — for a reader who sees part of a
case and whose history names a case they may not see.
"""

import re

import pytest
from django.urls import reverse

from findings import services as findings
from findings.case_reader import HIDDEN_CASE, read_case
from reports import building

from .api_client import api_as, url
from .test_pdf_case_file import pdf_pages

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def report_storage(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)},
    }}


@pytest.fixture
def case_seen_by_fr(cast):
    """A German case shared with team FR; a URL moved onto it from a German case FR never sees."""
    family = cast.family_of(cast.de)
    hidden = cast.case_of(cast.de, title="Not shared")
    url, _ = findings.url_log(user=cast.de, operation=cast.operation, raw_url="https://lead.example/x")
    findings.link_to_case(user=cast.de, finding=url, case=hidden)
    findings.link_to_case(user=cast.de, finding=url, case=family["case"])
    findings.case_share_with_team(user=cast.de, case=family["case"], team="FR")
    return family, hidden


def page_html(client, user, case):
    client.force_login(user)
    response = client.get(reverse("case_detail", args=[case.operation.code, case.reference]))
    assert response.status_code == 200
    return response.content.decode()


def test_page_bundle_and_case_file_list_the_same_records_and_history(client, cast, case_seen_by_fr):
    family, hidden = case_seen_by_fr
    case = family["case"]

    html = page_html(client, cast.fr, case)  # the page's own consultation is in the history it shows
    seen = read_case(user=cast.fr, case=case)
    rows = re.findall(r"<tr><td>[^<]*</td><td>[^<]*</td><td>([^<]*)</td><td class=\"muted\">([^<]*)</td></tr>", html)
    # The page: newest first; the same events in the same words.
    assert [(summary, record) for summary, record in rows] == [(e.summary, e.record) for e in reversed(seen.timeline)]

    seen = read_case(user=cast.fr, case=case)
    # Read first, its disclosure recorded after.
    bundle = api_as(cast.fr).get(url("case-bundle", case.pk), HTTP_X_JUSTIFICATION="Comparing the case file").json()
    assert [s["alias"] for s in bundle["suspects"]] == [s.alias for s in seen.suspects]
    assert [u["url"] for u in bundle["urls"]] == [u.url for u in seen.urls]
    assert [e["sha256"] for e in bundle["evidence"]] == [e.sha256 for e in seen.evidence]
    assert [(e["seq"], e["record"], e["summary"]) for e in bundle["timeline"]] == [
        (e.seq, e.record, e.summary) for e in seen.timeline
    ]

    report = building.report_request(user=cast.fr, kind="case_file", operation=cast.operation, case=case)
    seen = read_case(user=cast.fr, case=case)
    assert building.report_build(report.pk) == "built"
    report.refresh_from_db()
    text = "\n".join(pdf_pages(report.file.path))
    assert f"Timeline ({len(seen.timeline)} events)" in text
    for suspect in seen.suspects:
        assert suspect.alias in text
    for evidence in seen.evidence:
        assert evidence.sha256[:32] in text.replace("\n", "")

    # The history tells of the move but never names the case FR may not see — in none of the three.
    assert hidden.reference not in html and hidden.reference not in str(bundle) and hidden.reference not in text
    assert any(HIDDEN_CASE in e.summary for e in seen.timeline)


def test_the_owner_sees_the_reference_the_other_team_may_not(cast, case_seen_by_fr):
    family, hidden = case_seen_by_fr
    own = read_case(user=cast.de, case=family["case"])
    assert any(hidden.reference in e.summary for e in own.timeline)
    assert not any(HIDDEN_CASE in e.summary for e in own.timeline)


def test_a_case_file_download_is_in_the_cases_history(cast):
    case = cast.case_of(cast.de)
    findings.case_share_with_prosecutor(user=cast.de, case=case, prosecutor=cast.prosecutor)
    report = building.report_request(user=cast.prosecutor, kind="case_file", operation=cast.operation, case=case)
    building.report_build(report.pk)
    report.refresh_from_db()
    building.report_disclose(user=cast.prosecutor, report=report).close()
    history = read_case(user=cast.de, case=case).timeline
    assert [(e.action, e.actor_name) for e in history if str(report.pk) in e.summary] == [
        ("disclose", cast.prosecutor.username)
    ]

