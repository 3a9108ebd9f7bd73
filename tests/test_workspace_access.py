"""The workspace shows what the access rule allows, and nothing else: by list, search or direct URL."""

import pytest
from django.urls import reverse

from findings import services as findings
from operations.models import Operation

pytestmark = pytest.mark.django_db


def workspace(client, cast, **params):
    return client.get(reverse("workspace", args=[cast.operation.code]), params)


def feed(client, cast, **params):
    """Only the list of findings (what htmx asks for when a filter changes), without the search box."""
    response = client.get(reverse("workspace", args=[cast.operation.code]), params,
                          headers={"HX-Request": "true", "HX-Target": "feed"})
    assert response.status_code == 200
    return response.content.decode()


def test_analyst_sees_their_team_findings_and_what_other_teams_share(client, cast):
    mine = cast.family_of(cast.de)
    theirs = cast.family_of(cast.fr)
    client.force_login(cast.de)
    html = workspace(client, cast).content.decode()
    assert mine["case"].reference in html and mine["suspect"].alias in html
    # URLs and accounts are shared with the operation by default ...
    assert "escortguide[.]example/" + cast.fr.username in html
    assert f"@{cast.fr.username}_b" in html
    # ... cases, suspects and victims are not.
    assert theirs["case"].reference not in html
    assert theirs["victim"].code not in html


def test_url_of_an_unshared_case_does_not_reveal_the_case(client, cast):
    theirs = cast.family_of(cast.fr)
    client.force_login(cast.de)
    html = workspace(client, cast).content.decode()
    assert "escortguide[.]example/" + cast.fr.username in html
    assert theirs["case"].reference not in html
    assert theirs["case"].title not in html
    assert "another team's case" in html


def test_other_team_cannot_reach_an_unshared_case_by_search_or_direct_url(client, cast):
    case = cast.case_of(cast.fr, title="Moldovan recruiter network")
    suspect = findings.suspect_log(user=cast.fr, operation=cast.operation, alias="Vadim", case=case)
    client.force_login(cast.de)
    assert "Moldovan recruiter" not in feed(client, cast, q="Moldovan")
    assert "Vadim" not in feed(client, cast, q="Vadim")
    assert "Vadim" not in feed(client, cast)
    assert client.get(reverse("case_detail", args=[cast.operation.code, case.reference])).status_code == 404
    assert client.get(reverse("finding_detail", args=[cast.operation.code, "suspect", suspect.pk])).status_code == 404
    assert client.get(reverse("finding_detail", args=[cast.operation.code, "case", case.pk])).status_code == 404


def test_sharing_the_case_opens_it_to_the_other_team(client, cast):
    case = cast.case_of(cast.fr, title="Moldovan recruiter network")
    findings.suspect_log(user=cast.fr, operation=cast.operation, alias="Vadim", case=case)
    findings.case_share_with_team(user=cast.fr, case=case, team="DE")
    client.force_login(cast.de)
    assert "Moldovan recruiter" in feed(client, cast, q="Moldovan")
    assert "Vadim" in feed(client, cast, q="vadim")
    assert client.get(reverse("case_detail", args=[cast.operation.code, case.reference])).status_code == 200


def test_coordinator_sees_every_team_in_the_workspace(client, cast):
    de, fr = cast.family_of(cast.de), cast.family_of(cast.fr)
    client.force_login(cast.coordinator)
    html = workspace(client, cast).content.decode()
    assert de["case"].reference in html and fr["case"].reference in html
    assert de["victim"].code in html and fr["victim"].code in html
    assert 'id="log-url-box"' in html  # coordinators log too
    assert ">Import/export</a>" in html


def test_prosecutor_gets_no_log_forms_and_only_the_cases_shared_with_them(client, cast):
    shared = cast.family_of(cast.de)
    other = cast.case_of(cast.de, title="Not for the prosecutor")
    findings.case_share_with_prosecutor(user=cast.de, case=shared["case"], prosecutor=cast.prosecutor)
    client.force_login(cast.prosecutor)
    html = workspace(client, cast).content.decode()
    assert shared["case"].reference in html
    assert other.reference not in html
    assert 'id="log-url-box"' not in html and "Bulk paste" not in html
    assert "do not log findings" in html
    assert ">Export</a>" in html and "Import/export" not in html  # the page shows them exports only
    response = client.get(reverse("finding_log", args=[cast.operation.code, "url"]))
    assert response.status_code == 403
    response = client.get(reverse("bulk_paste", args=[cast.operation.code]))
    assert response.status_code == 403


def test_member_of_another_operation_gets_404(client, cast):
    cast.family_of(cast.de)
    client.force_login(cast.outsider)
    assert workspace(client, cast).status_code == 404
    assert client.get(reverse("platform_checklist", args=[cast.operation.code])).status_code == 404


def test_unknown_operation_and_foreign_operation_answer_alike(client, cast):
    client.force_login(cast.outsider)
    foreign = client.get(reverse("workspace", args=[cast.operation.code]))
    missing = client.get(reverse("workspace", args=["NO-SUCH-OP"]))
    assert foreign.status_code == missing.status_code == 404


def test_anonymous_visitor_is_sent_to_login_and_back(client, cast):
    url = reverse("workspace", args=[cast.operation.code])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/") and "next=" + url in response["Location"]


def test_closed_operation_shows_the_workspace_read_only(client, cast):
    cast.family_of(cast.de)
    Operation.objects.filter(pk=cast.operation.pk).update(status=Operation.Status.CLOSED)
    client.force_login(cast.de)
    html = workspace(client, cast).content.decode()
    assert "read-only" in html
    assert 'id="log-url-box"' not in html and "Bulk paste" not in html
    assert "Link…" not in html
