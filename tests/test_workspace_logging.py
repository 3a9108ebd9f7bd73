"""Quick logging from the workspace: every kind saves through the services; bad input loses nothing."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from findings.models import Case, DetectedUrl, PossibleVictim, SocialAccount, Suspect
from operations.models import Operation

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def log_url(cast, kind):
    return reverse("finding_log", args=[cast.operation.code, kind])


def test_analyst_logs_a_defanged_url_stored_canonical_and_audited(client, cast):
    client.force_login(cast.de)
    response = client.post(log_url(cast, "url"), {"url": "hxxps://EscortGuide[.]example/berlin/anna?utm_source=x"})
    assert response.status_code == 302
    url = DetectedUrl.objects.get(operation=cast.operation, team="DE")
    assert url.url == "https://escortguide.example/berlin/anna"
    assert url.platform == cast.platform
    assert AuditEvent.objects.filter(action="collect", object_type="findings.detectedurl",
                                     object_id=str(url.pk)).exists()
    page = client.get(response["Location"]).content.decode()
    assert "Saved: URL hxxps://escortguide[.]example/berlin/anna" in page


def test_htmx_save_returns_a_fresh_form_and_refreshes_the_list(client, cast):
    client.force_login(cast.de)
    response = client.post(log_url(cast, "suspect"), {"alias": "Dima", "role": "handler"}, headers=HTMX)
    assert response.status_code == 200
    assert "findings-changed" in response["HX-Trigger"]
    html = response.content.decode()
    assert "Saved: suspect Dima" in html
    assert 'data-draft-state="clear"' in html
    assert 'value="Dima"' not in html  # the form is empty for the next entry
    assert Suspect.objects.get(alias="Dima").role == "handler"


def test_each_kind_can_be_logged_from_the_workspace(client, cast):
    client.force_login(cast.de)
    case_response = client.post(log_url(cast, "case"), {
        "title": "Job ads for farm work", "exploitation_type": "labour", "source_reliability": "B",
        "information_assessment": "2", "handling_code": "H0",
    })
    assert case_response.status_code == 302
    case = Case.objects.get(title="Job ads for farm work")
    assert (case.team, case.source_reliability, case.information_assessment) == ("DE", "B", "2")
    client.post(log_url(cast, "account"), {"platform": cast.platform.pk, "handle": "@Anna_22", "case": case.reference})
    client.post(log_url(cast, "victim"), {"sex": "female", "age_band": "14-17", "nationality": "UA",
                                          "case": case.reference.lower()})
    client.post(log_url(cast, "suspect"), {"alias": "Recruiter R.", "role": "recruiter", "case": case.reference})
    assert SocialAccount.objects.get(handle="anna_22").case == case
    victim = PossibleVictim.objects.get(case=case)
    assert victim.is_minor and victim.nationality == "UA"
    assert Suspect.objects.get(alias="Recruiter R.").case == case


def test_already_known_url_is_not_logged_twice_and_says_so(client, cast):
    client.force_login(cast.de)
    client.post(log_url(cast, "url"), {"url": "https://escortguide.example/a"})
    response = client.post(log_url(cast, "url"), {"url": "hxxps://escortguide[.]example/a#top"}, headers=HTMX)
    assert "Already known" in response.content.decode()
    assert DetectedUrl.objects.filter(team="DE").count() == 1


def test_invalid_url_is_reshown_with_what_was_typed_and_the_reason(client, cast):
    client.force_login(cast.de)
    response = client.post(log_url(cast, "url"), {"url": "ftp://files.example/x", "note": "from the chat"},
                           headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "is not http or https" in html
    assert 'value="ftp://files.example/x"' in html
    assert "from the chat</textarea>" in html
    assert 'data-draft-state="bound"' in html
    assert not DetectedUrl.objects.exists()


def test_missing_required_field_is_marked_next_to_the_field(client, cast):
    client.force_login(cast.de)
    response = client.post(log_url(cast, "case"), {"title": "Half-typed lead", "summary": "Two adverts, same phone"})
    html = response.content.decode()
    assert response.status_code == 200  # the standalone form page, not a redirect
    assert "This field is required." in html
    assert 'value="Half-typed lead"' in html and "Two adverts, same phone</textarea>" in html
    assert not Case.objects.exists()


def test_h3_without_restrictions_is_refused_with_the_values_kept(client, cast):
    client.force_login(cast.de)
    response = client.post(log_url(cast, "case"), {
        "title": "Lead", "exploitation_type": "sexual", "handling_code": "H3", "source_reliability": "X",
        "information_assessment": "4",
    }, headers=HTMX)
    html = response.content.decode()
    assert "H3 needs its restrictions" in html
    assert '<option value="H3" selected>' in html


def test_linking_to_another_teams_case_is_refused_with_a_reason(client, cast):
    their_case = cast.case_of(cast.fr)
    client.force_login(cast.de)
    response = client.post(log_url(cast, "suspect"), {"alias": "X", "role": "unknown", "case": their_case.reference},
                           headers=HTMX)
    assert "no case" in response.content.decode()  # not visible to DE: not even named
    assert not Suspect.objects.exists()


def test_closed_operation_refuses_logging_with_a_clear_message(client, cast):
    Operation.objects.filter(pk=cast.operation.pk).update(status=Operation.Status.CLOSED)
    client.force_login(cast.de)
    response = client.post(log_url(cast, "url"), {"url": "https://escortguide.example/late"})
    assert response.status_code == 403
    assert "is closed: it is read-only" in response.content.decode()
    assert not DetectedUrl.objects.exists()


def test_prosecutor_cannot_log(client, cast):
    client.force_login(cast.prosecutor)
    response = client.post(log_url(cast, "suspect"), {"alias": "X", "role": "unknown"})
    assert response.status_code == 403
    assert not Suspect.objects.exists()


def test_expired_session_on_an_htmx_save_sends_the_tab_to_login_and_back(client, cast):
    workspace = reverse("workspace", args=[cast.operation.code])
    response = client.post(log_url(cast, "url"), {"url": "https://escortguide.example/a"},
                           headers={**HTMX, "HX-Current-URL": f"http://testserver{workspace}?kind=url"})
    assert response.status_code == 200
    assert response["HX-Redirect"] == f"/login/?next={workspace}%3Fkind%3Durl"
    assert not DetectedUrl.objects.exists()


def test_expired_session_on_a_plain_post_comes_back_to_the_form(client, cast):
    response = client.post(log_url(cast, "url"), {"url": "https://escortguide.example/a"})
    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={log_url(cast, 'url')}"
