"""Who may ask for which report and download it: each role tries what it must not, and gets a 404."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from findings import services as findings
from reports import building
from reports.models import Report

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def report_storage(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)},
    }}


@pytest.fixture
def cases(cast):
    """A German case shared with the prosecutor, another German case shared with nobody, a French case."""
    shared = cast.case_of(cast.de, title="Shared with the prosecutor")
    findings.case_share_with_prosecutor(user=cast.de, case=shared, prosecutor=cast.prosecutor)
    unshared = cast.case_of(cast.de, title="Kept by the German team")
    french = cast.case_of(cast.fr, title="French lead")
    return {"shared": shared, "unshared": unshared, "french": french}


def ask(client, user, cast, **data):
    client.force_login(user)
    return client.post(reverse("report_request", args=[cast.operation.code]), data)


def built(user, cast, **kwargs) -> Report:
    report = building.report_request(user=user, operation=cast.operation, **kwargs)
    assert building.report_build(report.pk) == "built"
    report.refresh_from_db()
    return report


def download(client, user, cast, report):
    client.force_login(user)
    return client.get(reverse("report_download", args=[cast.operation.code, report.pk]))


# --- asking ------------------------------------------------------------------------------------


def test_a_prosecutor_may_ask_for_the_case_file_of_a_case_shared_with_them(client, cast, cases):
    response = ask(client, cast.prosecutor, cast, kind="case_file", case=cases["shared"].reference)
    assert response.status_code == 302
    assert Report.objects.get(requested_by=cast.prosecutor).case == cases["shared"]


def test_a_prosecutor_asking_for_another_case_file_gets_404(client, cast, cases):
    for case in (cases["unshared"], cases["french"]):
        assert ask(client, cast.prosecutor, cast, kind="case_file", case=case.reference).status_code == 404
        page = client.get(reverse("report_case_file", args=[cast.operation.code, case.reference]))
        assert page.status_code == 404
        assert client.post(reverse("report_case_file", args=[cast.operation.code, case.reference])).status_code == 404
    assert not Report.objects.filter(requested_by=cast.prosecutor).exists()


def test_a_prosecutor_may_ask_for_no_summary_and_no_team_report(client, cast, cases):
    assert ask(client, cast.prosecutor, cast, kind="operation_summary").status_code == 404
    assert ask(client, cast.prosecutor, cast, kind="team_report", team="NL").status_code == 404
    assert not Report.objects.exists()


def test_a_prosecutor_of_the_same_team_but_not_named_sees_no_case_file(cast, cases):
    with pytest.raises(PermissionDenied):
        building.report_request(user=cast.other_prosecutor, kind="case_file", operation=cast.operation,
                                case=cases["shared"])


def test_an_analyst_may_ask_for_case_files_of_cases_they_see_and_their_own_team_report(cast, cases):
    findings.case_share_with_team(user=cast.fr, case=cases["french"], team="DE")
    for case in (cases["shared"], cases["unshared"], cases["french"]):
        assert building.may_request(cast.de, kind="case_file", operation=cast.operation, case=case)
    assert building.may_request(cast.de, kind="team_report", operation=cast.operation, team="DE")


def test_an_analyst_may_not_ask_for_an_unshared_case_of_another_team_another_team_or_the_summary(client, cast, cases):
    assert ask(client, cast.fr, cast, kind="case_file", case=cases["unshared"].reference).status_code == 404
    assert ask(client, cast.fr, cast, kind="team_report", team="DE").status_code == 404
    assert ask(client, cast.fr, cast, kind="operation_summary").status_code == 404
    assert not Report.objects.exists()


def test_a_coordinator_may_ask_for_everything_in_their_operation(client, cast, cases):
    for data in ({"kind": "operation_summary"}, {"kind": "team_report", "team": "FR"},
                 {"kind": "case_file", "case": cases["unshared"].reference}):
        assert ask(client, cast.coordinator, cast, **data).status_code == 302
    assert Report.objects.filter(requested_by=cast.coordinator).count() == 3


def test_a_member_of_another_operation_gets_404_everywhere(client, cast, cases):
    client.force_login(cast.outsider)
    assert client.get(reverse("report_list", args=[cast.operation.code])).status_code == 404
    assert ask(client, cast.outsider, cast, kind="case_file", case=cases["shared"].reference).status_code == 404


def test_asking_twice_while_the_first_is_queued_gives_the_same_report(cast, cases):
    first = building.report_request(user=cast.de, kind="team_report", operation=cast.operation, team="DE")
    again = building.report_request(user=cast.de, kind="team_report", operation=cast.operation, team="DE")
    assert again.pk == first.pk


# --- downloading -------------------------------------------------------------------------------


def test_a_prosecutor_cannot_download_the_file_of_another_case(client, cast, cases):
    other = built(cast.coordinator, cast, kind="case_file", case=cases["unshared"])
    assert download(client, cast.prosecutor, cast, other).status_code == 404
    row = client.get(reverse("report_row", args=[cast.operation.code, other.pk]))
    assert row.status_code == 404


def test_a_withdrawn_share_stops_the_download(client, cast, cases):
    report = built(cast.prosecutor, cast, kind="case_file", case=cases["shared"])
    assert download(client, cast.prosecutor, cast, report).status_code == 200
    findings.case_unshare_with_prosecutor(user=cast.de, case=cases["shared"], prosecutor=cast.prosecutor)
    assert download(client, cast.prosecutor, cast, report).status_code == 404


def test_a_report_goes_to_its_requester_and_the_coordinators_only(client, cast, cases):
    report = built(cast.de, cast, kind="case_file", case=cases["unshared"])
    assert download(client, cast.de, cast, report).status_code == 200
    assert download(client, cast.coordinator, cast, report).status_code == 200
    # A team mate may ask for the same file, but the one built for someone else is not handed on.
    assert download(client, cast.de2, cast, report).status_code == 404
    assert download(client, cast.fr, cast, report).status_code == 404


def test_the_list_shows_each_user_only_the_reports_they_may_download(client, cast, cases):
    mine = built(cast.prosecutor, cast, kind="case_file", case=cases["shared"])
    theirs = built(cast.de, cast, kind="case_file", case=cases["unshared"])
    client.force_login(cast.prosecutor)
    page = client.get(reverse("report_list", args=[cast.operation.code])).content.decode()
    assert str(mine.pk) in page and str(theirs.pk) not in page
    assert cases["unshared"].reference not in page  # not even in the case picker
    client.force_login(cast.coordinator)
    page = client.get(reverse("report_list", args=[cast.operation.code])).content.decode()
    assert str(mine.pk) in page and str(theirs.pk) in page
