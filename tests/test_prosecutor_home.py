"""A prosecutor's home page: the cases shared with them, newest first, each with its case-file button and
the status of its last build."""

import re

import pytest
from django.urls import reverse

from findings import services as findings
from reports.building import report_request
from reports.models import Report

pytestmark = pytest.mark.django_db


def test_a_prosecutor_lands_on_the_cases_shared_with_them_newest_first(cast, client):
    older = cast.case_of(cast.de, title="Older lead")
    newer = cast.case_of(cast.fr, title="Newer lead")
    cast.case_of(cast.de, title="Not shared")
    for case, owner in ((older, cast.de), (newer, cast.fr)):
        findings.case_share_with_prosecutor(user=owner, case=case, prosecutor=cast.prosecutor)
    client.force_login(cast.prosecutor)
    home = client.get(reverse("home"))
    assert home.status_code == 302 and home["Location"] == reverse("shared_cases")
    page = client.get(home["Location"]).content.decode()
    assert re.findall(r'<tr id="case-(C-\w+)">', page) == [newer.reference, older.reference]
    assert "Not shared" not in page
    assert page.count("Build case file (PDF)") == 2


def test_each_case_shows_the_status_of_its_last_case_file(cast, client):
    case = cast.case_of(cast.de)
    findings.case_share_with_prosecutor(user=cast.de, case=case, prosecutor=cast.prosecutor)
    report = report_request(user=cast.prosecutor, kind=Report.Kind.CASE_FILE, operation=cast.operation, case=case)
    Report.objects.filter(pk=report.pk).update(status=Report.Status.FAILED)
    client.force_login(cast.prosecutor)
    row = re.search(rf'<tr id="case-{case.reference}">.*?</tr>', client.get(reverse("shared_cases")).content.decode(),
                    re.S).group(0)
    assert 'class="report-status status-failed">Failed' in row


def test_another_prosecutor_sees_none_of_them(cast, client):
    case = cast.case_of(cast.de)
    findings.case_share_with_prosecutor(user=cast.de, case=case, prosecutor=cast.prosecutor)
    client.force_login(cast.other_prosecutor)
    page = client.get(reverse("shared_cases")).content.decode()
    assert case.reference not in page and "No case has been shared with you yet." in page
