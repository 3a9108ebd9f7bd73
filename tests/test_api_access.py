"""The access rule through the API: every resource, every role, shared and unshared.

The German analyst logs one of everything; each role then tries to list, read, change, delete
and move it. What a role may not see is "not found" (404, the same answer as for an id that
does not exist); what it sees but may not change is "forbidden" (403).
"""

import pytest

from findings import services as findings
from findings.models import Case, DetectedUrl, Evidence, PossibleVictim, SocialAccount, Suspect
from operations.services import operation_close
from platforms.models import PlatformCheck

from .api_client import RESOURCE, api_as, url

pytestmark = pytest.mark.django_db

MODELS = {
    "check": PlatformCheck, "case": Case, "suspect": Suspect, "victim": PossibleVictim,
    "url": DetectedUrl, "account": SocialAccount, "evidence": Evidence,
}
EVERYTHING = set(MODELS)
SHARED_BY_DEFAULT = {"check", "url", "account"}
HANGS_OFF_CASE = EVERYTHING - {"check"}

# role -> what it sees of the German team's records: (unshared, shared with FR and the prosecutor)
VISIBLE = {
    "de": (EVERYTHING, EVERYTHING),
    "de2": (EVERYTHING, EVERYTHING),
    "coordinator": (EVERYTHING, EVERYTHING),
    "fr": (SHARED_BY_DEFAULT, EVERYTHING),
    "prosecutor": (set(), HANGS_OFF_CASE),
    "other_prosecutor": (set(), set()),
    "outsider": (set(), set()),
}
CHANGES = {"de", "de2", "coordinator"}

# A small change each resource accepts through PATCH (cases need their version too).
PATCHES = {
    "case": {"summary": "Seen again on Friday."},
    "suspect": {"notes": "Uses two phones."},
    "victim": {"notes": "Advert in Romanian."},
    "url": {"note": "Second advert."},
    "account": {"note": "Profile deleted."},
    "evidence": {"case": None},
}


def german_family(cast, shared: bool):
    family = cast.family_of(cast.de)
    if shared:
        findings.case_share_with_team(user=cast.de, case=family["case"], team="FR")
        findings.case_share_with_prosecutor(user=cast.de, case=family["case"], prosecutor=cast.prosecutor)
    return family


def listed_ids(client, resource):
    # Possible victims are listed with a reason, as they are read (tests/test_audit_lists_of_persons.py).
    response = client.get(url(f"{resource}-list"), {"page_size": 500}, HTTP_X_JUSTIFICATION="access rule test")
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize("shared", [False, True], ids=["unshared", "shared"])
@pytest.mark.parametrize("role", list(VISIBLE))
def test_list_and_read_show_exactly_what_the_role_may_see(cast, role, shared):
    family = german_family(cast, shared)
    client = api_as(getattr(cast, role))
    expected = VISIBLE[role][shared]
    for key, record in family.items():
        resource = RESOURCE[key]
        assert (record.pk in listed_ids(client, resource)) == (key in expected), f"{role} list {key}"
        # A victim's record is read with a justification (tests/test_audit_consultation.py); others ignore it.
        response = client.get(url(f"{resource}-detail", record.pk), HTTP_X_JUSTIFICATION="access rule test")
        if key in expected:
            assert response.status_code == 200, f"{role} reads {key}"
            assert response.json()["id"] == record.pk
        else:
            assert response.status_code == 404, f"{role} must not read {key}"
            assert response.json() == {"code": "not_found", "detail": "Not found."}


def test_not_yours_and_does_not_exist_get_the_same_answer(cast):
    case = cast.case_of(cast.de)
    client = api_as(cast.fr)
    hidden = client.get(url("case-detail", case.pk))
    missing = client.get(url("case-detail", case.pk + 1000))
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()


@pytest.mark.parametrize("shared", [False, True], ids=["unshared", "shared"])
@pytest.mark.parametrize("role", list(VISIBLE))
def test_update_is_allowed_to_own_team_and_coordinators_only(cast, role, shared):
    family = german_family(cast, shared)
    client = api_as(getattr(cast, role))
    for key, change in PATCHES.items():
        record = family[key]
        body = dict(change, version=Case.objects.get(pk=record.pk).version) if key == "case" else change
        response = client.patch(url(f"{RESOURCE[key]}-detail", record.pk), body, format="json")
        if key not in VISIBLE[role][shared]:
            assert response.status_code == 404, f"{role} changes unseen {key}"
        elif role in CHANGES:
            assert response.status_code == 200, f"{role} changes {key}: {response.content}"
        else:
            assert response.status_code == 403, f"{role} must not change {key}"
            assert response.json()["code"] == "permission_denied"
    if role not in CHANGES:
        assert Case.objects.get(pk=family["case"].pk).summary == ""
        assert DetectedUrl.objects.get(pk=family["url"].pk).note == ""


@pytest.mark.parametrize("role", ["de", "de2", "coordinator", "fr", "prosecutor", "outsider"])
def test_delete_is_allowed_to_own_team_and_coordinators_only(cast, role):
    family = german_family(cast, shared=True)
    client = api_as(getattr(cast, role))
    for key in ("url", "suspect", "check"):
        record = family[key]
        response = client.delete(url(f"{RESOURCE[key]}-detail", record.pk))
        exists = MODELS[key].objects.filter(pk=record.pk).exists()
        if role in CHANGES:
            assert response.status_code == 204 and not exists, f"{role} deletes {key}"
        elif key in VISIBLE[role][True]:
            assert response.status_code == 403 and exists, f"{role} must not delete {key}"
        else:
            assert response.status_code == 404 and exists, f"{role} must not see {key}"


def test_evidence_cannot_be_deleted_through_the_api_by_anyone(cast):
    evidence = cast.family_of(cast.de)["evidence"]
    for user in (cast.de, cast.coordinator):
        assert api_as(user).delete(url("evidence-detail", evidence.pk)).status_code == 405
    assert Evidence.objects.filter(pk=evidence.pk).exists()


CREATES = {
    "case": lambda cast: {"title": "Job adverts", "exploitation_type": "labour"},
    "suspect": lambda cast: {"alias": "Sasha"},
    "victim": lambda cast: {"age_band": "25-34"},
    "url": lambda cast: {"url": "hxxps://jobs-abroad[.]example/offer/7"},
    "social-account": lambda cast: {"platform": cast.platform.pk, "handle": "@sasha_jobs"},
    "platform-check": lambda cast: {"platform": cast.platform.pk},
}


@pytest.mark.parametrize("resource", list(CREATES))
@pytest.mark.parametrize(
    "role, expected", [("de", 201), ("coordinator", 201), ("prosecutor", 403), ("outsider", 400), ("anonymous", 401)]
)
def test_create_is_for_members_who_log(cast, resource, role, expected):
    body = {"operation": cast.operation.pk, **CREATES[resource](cast)}
    response = api_as(getattr(cast, role, None)).post(url(f"{resource}-list"), body, format="json")
    assert response.status_code == expected, response.content
    if expected == 201:
        membership_team = "NL" if role == "coordinator" else "DE"
        assert response.json()["team"] == membership_team
        assert response.json()["created_by"] == getattr(cast, role).username
    if role == "outsider":  # an operation one is not a member of does not exist, as far as the API tells
        assert "operation" in response.json()["fields"]


def test_nothing_is_written_in_a_closed_operation(cast):
    family = cast.family_of(cast.de)
    operation_close(user=cast.coordinator, operation=cast.operation)
    client = api_as(cast.de)
    created = client.post(url("suspect-list"), {"operation": cast.operation.pk, "alias": "Late"}, format="json")
    changed = client.patch(url("url-detail", family["url"].pk), {"note": "late"}, format="json")
    started = client.post(url("platform-check-start", family["check"].pk))
    assert (created.status_code, changed.status_code, started.status_code) == (403, 403, 403)
    assert "read-only" in created.json()["detail"]
    assert client.get(url("url-detail", family["url"].pk)).status_code == 200  # still readable


def test_adding_to_a_case_needs_the_right_to_change_that_case(cast):
    case = cast.case_of(cast.de)
    findings.case_share_with_team(user=cast.de, case=case, team="FR")
    body = {"operation": cast.operation.pk, "alias": "Borrowed", "case": case.pk}
    response = api_as(cast.fr).post(url("suspect-list"), body, format="json")
    assert response.status_code == 403
    assert not Suspect.objects.filter(alias="Borrowed").exists()


@pytest.mark.parametrize(
    "role, expected",
    [("de", 200), ("de2", 200), ("coordinator", 200), ("fr", 403), ("prosecutor", 404), ("outsider", 404)],
)
def test_platform_check_actions_follow_the_rule(cast, role, expected):
    check = cast.family_of(cast.de)["check"]
    client = api_as(getattr(cast, role))
    started = client.post(url("platform-check-start", check.pk))
    assert started.status_code == expected
    check.refresh_from_db()
    assert (check.status == "in_progress") == (expected == 200)


@pytest.mark.parametrize("shared", [False, True], ids=["unshared", "shared"])
@pytest.mark.parametrize(
    "role", ["de", "coordinator", "fr", "prosecutor", "outsider"]
)
def test_case_actions_follow_the_rule(cast, role, shared):
    case = german_family(cast, shared)["case"]
    client = api_as(getattr(cast, role))
    response = client.post(url("case-refer", case.pk), {"referred_to": "LKA Berlin"}, format="json")
    case.refresh_from_db()
    if role in CHANGES:
        assert response.status_code == 200 and case.status == "referred"
    elif "case" in VISIBLE[role][shared]:
        assert response.status_code == 403 and case.status == "open"
    else:
        assert response.status_code == 404 and case.status == "open"


@pytest.mark.parametrize("role, expected", [("de", 200), ("fr", 404), ("prosecutor", 404), ("coordinator", 200)])
def test_sharing_is_for_those_who_may_change_the_case(cast, role, expected):
    case = cast.case_of(cast.de)
    response = api_as(getattr(cast, role)).post(url("case-share", case.pk), {"team": "FR"}, format="json")
    assert response.status_code == expected
    visible_to_fr = api_as(cast.fr).get(url("case-detail", case.pk)).status_code
    assert visible_to_fr == (200 if expected == 200 else 404)


def test_a_prosecutor_share_opens_the_case_to_that_prosecutor_only(cast):
    case = cast.case_of(cast.de)
    response = api_as(cast.de).post(url("case-share", case.pk), {"prosecutor": cast.prosecutor.username}, format="json")
    assert response.status_code == 200
    assert response.json()["prosecutors"] == [cast.prosecutor.username]
    assert api_as(cast.prosecutor).get(url("case-detail", case.pk)).status_code == 200
    assert api_as(cast.other_prosecutor).get(url("case-detail", case.pk)).status_code == 404


def test_sharing_with_someone_who_is_no_prosecutor_is_refused_alike_for_unknown_names(cast):
    case = cast.case_of(cast.de)
    client = api_as(cast.de)
    analyst = client.post(url("case-share", case.pk), {"prosecutor": cast.fr.username}, format="json")
    nobody = client.post(url("case-share", case.pk), {"prosecutor": "no-such-user"}, format="json")
    assert analyst.status_code == nobody.status_code == 400
    assert "is not a prosecutor" in analyst.json()["detail"] and "is not a prosecutor" in nobody.json()["detail"]


@pytest.mark.parametrize("resource", ["case", "url", "operation", "audit-event", "platform", "agency"])
def test_anonymous_gets_401_and_is_told_how_to_authenticate(client, cast, resource):
    response = api_as(cast.anonymous).get(url(f"{resource}-list"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize("role, sees", [("de", True), ("coordinator", True), ("prosecutor", True), ("outsider", False)])
def test_operations_are_visible_to_their_members(cast, role, sees):
    response = api_as(getattr(cast, role)).get(url("operation-detail", cast.operation.pk))
    assert response.status_code == (200 if sees else 404)
    if sees:
        assert response.json()["membership"]["role"] in ("analyst", "coordinator", "prosecutor")


@pytest.mark.parametrize("role, expected", [("coordinator", 200), ("de", 403), ("outsider", 404)])
def test_only_coordinators_close_an_operation(cast, role, expected):
    response = api_as(getattr(cast, role)).post(url("operation-close", cast.operation.pk))
    assert response.status_code == expected
    cast.operation.refresh_from_db()
    assert (cast.operation.status == "closed") == (expected == 200)


def test_a_patch_that_changes_nothing_still_needs_the_right_to_change(cast):
    family = german_family(cast, shared=True)
    assert api_as(cast.fr).patch(url("url-detail", family["url"].pk), {}, format="json").status_code == 403
    same_case = {"case": family["case"].pk}
    response = api_as(cast.prosecutor).patch(url("evidence-detail", family["evidence"].pk), same_case, format="json")
    assert response.status_code == 403


def test_anonymous_can_neither_read_nor_change_nor_move_anything(cast):
    family = german_family(cast, shared=True)
    client = api_as(cast.anonymous)
    for key, record in family.items():
        detail = url(f"{RESOURCE[key]}-detail", record.pk)
        assert client.get(detail).status_code == 401, key
        assert client.patch(detail, {"note": "x"}, format="json").status_code == 401, key
        assert client.delete(detail).status_code == 401, key
    assert client.post(url("case-refer", family["case"].pk), {"referred_to": "x"}, format="json").status_code == 401
    assert client.post(url("platform-check-start", family["check"].pk)).status_code == 401
    assert client.get(url("case-bundle", family["case"].pk)).status_code == 401
    assert Case.objects.get(pk=family["case"].pk).status == "open"
    assert PlatformCheck.objects.get(pk=family["check"].pk).status == "planned"
