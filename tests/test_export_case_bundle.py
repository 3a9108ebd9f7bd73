"""A case as one JSON document: the case and what hangs off it, as far as the user may see it."""

import pytest

from audit.models import AuditEvent
from findings import services as findings

from .api_client import api_as, url

pytestmark = pytest.mark.django_db


def test_the_bundle_holds_the_case_and_everything_hanging_off_it(cast):
    family = cast.family_of(cast.de)
    findings.case_share_with_prosecutor(user=cast.de, case=family["case"], prosecutor=cast.prosecutor)
    response = api_as(cast.prosecutor).get(url("case-bundle", family["case"].pk),
                                           HTTP_X_JUSTIFICATION="Preparing the indictment")
    assert response.status_code == 200
    bundle = response.json()
    assert bundle["format"] == "actionday-case-bundle/1"
    assert bundle["case"]["reference"] == family["case"].reference
    assert bundle["handling_code"].startswith("H0")
    assert [s["id"] for s in bundle["suspects"]] == [family["suspect"].pk]
    assert [v["code"] for v in bundle["victims"]] == [family["victim"].code]
    assert [u["url_defanged"] for u in bundle["urls"]] == [f"hxxps://escortguide[.]example/{cast.de.username}"]
    assert [a["handle"] for a in bundle["social_accounts"]] == [family["account"].handle]
    assert [e["sha256"] for e in bundle["evidence"]] == [family["evidence"].sha256]
    assert bundle["exported_by"] == cast.prosecutor.username


def test_the_bundle_of_a_case_the_user_may_not_see_is_not_found(cast):
    case = cast.case_of(cast.de)
    assert api_as(cast.fr).get(url("case-bundle", case.pk)).status_code == 404
    assert api_as(cast.prosecutor).get(url("case-bundle", case.pk)).status_code == 404


def test_the_bundle_leaves_out_what_hangs_off_the_case_from_teams_the_user_cannot_see(cast):
    case = cast.case_of(cast.de)
    findings.case_share_with_team(user=cast.de, case=case, team="FR")
    findings.suspect_log(user=cast.de, operation=cast.operation, alias="Dima", case=case)
    # The French team sees the shared case and its suspects; a coordinator sees all of it.
    assert len(api_as(cast.fr).get(url("case-bundle", case.pk)).json()["suspects"]) == 1
    assert api_as(cast.fr).get(url("case-bundle", case.pk)).json()["shared_with_teams"] == ["FR"]


def test_exporting_a_bundle_is_recorded_as_a_disclosure_of_the_case(cast):
    case = cast.case_of(cast.de)
    api_as(cast.coordinator).get(url("case-bundle", case.pk))
    event = AuditEvent.objects.filter(action="disclose").latest("seq")
    assert (event.actor, event.object_type, event.object_id) == (cast.coordinator, "findings.case", str(case.pk))
