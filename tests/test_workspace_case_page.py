"""The case page: everything linked, grades and handling code, timeline, shares; sharing by owner or coordinator."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from findings import services as findings
from findings.models import CaseGroupObjectPermission, CaseUserObjectPermission

pytestmark = pytest.mark.django_db


def case_url(cast, case, name="case_detail"):
    return reverse(name, args=[cast.operation.code, case.reference])


def test_case_page_shows_what_is_linked_grades_handling_and_timeline(client, cast):
    family = cast.family_of(cast.de)
    case = findings.case_update(user=cast.de, case=family["case"], expected_version=1, source_reliability="B",
                                information_assessment="2", handling_code="H3",
                                handling_restrictions="Not before the hearing")
    client.force_login(cast.de)
    html = client.get(case_url(cast, case)).content.decode()
    for text in (family["suspect"].alias, family["victim"].code, f"@{cast.de.username}_b",
                 f"hxxps://escortguide[.]example/{cast.de.username}", family["evidence"].sha256,
                 "H3 — other restrictions", "Not before the hearing", "<strong>B2</strong>",
                 "case opened", "changed handling code", "URL logged"):
        assert text in html, text


def test_viewing_the_case_is_recorded_as_a_consultation(client, cast):
    case = cast.case_of(cast.de)
    client.force_login(cast.fr)
    assert client.get(case_url(cast, case)).status_code == 404
    assert not AuditEvent.objects.filter(action="consult").exists()
    client.force_login(cast.coordinator)
    client.get(case_url(cast, case))
    assert AuditEvent.objects.filter(action="consult", object_id=str(case.pk), actor=cast.coordinator).exists()


def test_owner_shares_the_case_with_another_team(client, cast):
    case = cast.case_of(cast.de)
    client.force_login(cast.de)
    response = client.post(case_url(cast, case, "case_share"), {"team": "FR"}, follow=True)
    assert "now shared with team FR" in response.content.decode()
    assert CaseGroupObjectPermission.objects.filter(content_object=case, group__name="team:FR").exists()
    client.force_login(cast.fr)
    assert client.get(case_url(cast, case)).status_code == 200


def test_owner_shares_with_a_prosecutor_and_withdraws_it(client, cast):
    case = cast.case_of(cast.de)
    client.force_login(cast.de)
    client.post(case_url(cast, case, "case_share"), {"prosecutor": cast.prosecutor.pk})
    assert CaseUserObjectPermission.objects.filter(content_object=case, user=cast.prosecutor).exists()
    html = client.get(case_url(cast, case)).content.decode()
    assert f"Prosecutor <strong>{cast.prosecutor.username}</strong>" in html
    client.post(case_url(cast, case, "case_share"), {"prosecutor": cast.prosecutor.pk, "withdraw": "1"})
    assert not CaseUserObjectPermission.objects.filter(content_object=case, user=cast.prosecutor).exists()


def test_coordinator_may_share_any_case(client, cast):
    case = cast.case_of(cast.de)
    client.force_login(cast.coordinator)
    client.post(case_url(cast, case, "case_share"), {"team": "FR"})
    assert CaseGroupObjectPermission.objects.filter(content_object=case).exists()


def test_a_team_it_is_shared_with_cannot_share_it_further(client, cast):
    case = cast.case_of(cast.de)
    findings.case_share_with_team(user=cast.de, case=case, team="FR")
    client.force_login(cast.fr)
    html = client.get(case_url(cast, case)).content.decode()
    assert "Share with the team" not in html
    response = client.post(case_url(cast, case, "case_share"), {"prosecutor": cast.prosecutor.pk})
    assert response.status_code == 403
    assert not CaseUserObjectPermission.objects.exists()


def test_sharing_with_someone_who_is_not_a_prosecutor_is_refused_with_a_message(client, cast):
    case = cast.case_of(cast.de)
    client.force_login(cast.de)
    response = client.post(case_url(cast, case, "case_share"), {"prosecutor": cast.fr.pk}, follow=True)
    assert "No such prosecutor in this operation." in response.content.decode()
    assert cast.fr.username not in response.content.decode()  # tests/test_case_share_form_names_no_one_unseen.py
    assert not CaseUserObjectPermission.objects.exists()


def test_prosecutor_reads_a_shared_case_with_no_form_but_the_case_file_request(client, cast):
    family = cast.family_of(cast.de)
    findings.case_share_with_prosecutor(user=cast.de, case=family["case"], prosecutor=cast.prosecutor)
    client.force_login(cast.prosecutor)
    html = client.get(case_url(cast, family["case"])).content.decode()
    assert family["suspect"].alias in html and family["evidence"].sha256 in html
    forms = html.split("</header>", 1)[1].split("<form")[1:]  # besides the log-out button
    assert len(forms) == 1 and "Build case file (PDF)" in forms[0]  # a prosecutor reads, and asks for the file


def test_the_edit_link_is_offered_only_to_who_may_change_the_case(client, cast):
    case = cast.case_of(cast.de)
    findings.case_share_with_team(user=cast.de, case=case, team="FR")
    edit_url = f"/operations/{cast.operation.code}/cases/{case.reference}/edit/"
    for user, offered in ((cast.de, True), (cast.coordinator, True), (cast.fr, False)):
        client.force_login(user)
        html = client.get(case_url(cast, case)).content.decode()
        assert (edit_url in html) == offered, user
