"""The access rule, cell by cell: for every finding model, every role, shared and unshared.

Each parametrised case builds the cast, lets the German analyst log one of everything, and
checks exactly which of those records each role sees and may change.
"""

import pytest

from findings import services as findings
from findings.models import Case, DetectedUrl, Evidence, PossibleVictim, Selector, SocialAccount, Suspect
from operations.access import may_change
from operations.services import operation_close
from platforms.models import PlatformCheck

pytestmark = pytest.mark.django_db

MODELS = {
    "check": PlatformCheck,
    "case": Case,
    "suspect": Suspect,
    "victim": PossibleVictim,
    "url": DetectedUrl,
    "account": SocialAccount,
    "evidence": Evidence,
    "selector": Selector,
}
EVERYTHING = set(MODELS)
SHARED_BY_DEFAULT = {"check", "url", "account"}
HANGS_OFF_CASE = EVERYTHING - {"check"}

# role -> what it sees of the German team's records, (unshared, shared with FR and the prosecutor)
VISIBLE = {
    "de": (EVERYTHING, EVERYTHING),
    "de2": (EVERYTHING, EVERYTHING),
    "coordinator": (EVERYTHING, EVERYTHING),
    "fr": (SHARED_BY_DEFAULT, EVERYTHING),
    "prosecutor": (set(), HANGS_OFF_CASE),
    "other_prosecutor": (set(), set()),
    "outsider": (set(), set()),
    "anonymous": (set(), set()),
}
CHANGES = {"de", "de2", "coordinator"}


def german_family(cast, shared: bool):
    family = cast.family_of(cast.de)
    family["selector"] = Selector.objects.create(
        operation=cast.operation, team="DE", created_by=cast.de, kind="phone", value="+4915123456789",
        case=family["case"],
    )
    if shared:
        findings.case_share_with_team(user=cast.de, case=family["case"], team="FR")
        findings.case_share_with_prosecutor(user=cast.de, case=family["case"], prosecutor=cast.prosecutor)
    return family


@pytest.mark.parametrize("shared", [False, True], ids=["unshared", "shared"])
@pytest.mark.parametrize("role", list(VISIBLE))
def test_visible_to(cast, role, shared):
    family = german_family(cast, shared)
    user = getattr(cast, role)
    expected = VISIBLE[role][shared]
    for name, model in MODELS.items():
        visible = model.objects.visible_to(user).filter(pk=family[name].pk).exists()
        assert visible == (name in expected), f"{role} {'sees' if visible else 'does not see'} the {name}"


@pytest.mark.parametrize("shared", [False, True], ids=["unshared", "shared"])
@pytest.mark.parametrize("role", list(VISIBLE))
def test_may_change(cast, role, shared):
    family = german_family(cast, shared)
    user = getattr(cast, role)
    for name in MODELS:
        assert may_change(user, family[name]) == (role in CHANGES), f"{role} / {name}"


@pytest.mark.parametrize("role", ["de", "coordinator"])
def test_nobody_changes_anything_in_a_closed_operation(cast, role):
    family = german_family(cast, shared=True)
    operation_close(user=cast.coordinator, operation=cast.operation)
    for name in MODELS:
        family[name].operation.refresh_from_db()
        assert not may_change(getattr(cast, role), family[name]), name
    # ...but they still see it all
    assert Case.objects.visible_to(cast.de).filter(pk=family["case"].pk).exists()


def test_lists_hold_only_what_the_rule_allows(cast):
    german = german_family(cast, shared=False)
    french = cast.family_of(cast.fr)
    ids = set(Case.objects.visible_to(cast.fr).values_list("pk", flat=True))
    assert ids == {french["case"].pk}
    urls = set(DetectedUrl.objects.visible_to(cast.fr).values_list("pk", flat=True))
    assert urls == {german["url"].pk, french["url"].pk}
    assert set(Case.objects.visible_to(cast.coordinator).values_list("pk", flat=True)) == {
        german["case"].pk, french["case"].pk,
    }


def test_team_share_counts_only_inside_the_case_operation(cast):
    """A French analyst of another operation does not see a case shared with team FR here."""
    from .cast import add_member

    case = german_family(cast, shared=True)["case"]
    french_elsewhere = add_member(cast.other_operation, "analyst", "FR")
    assert not Case.objects.visible_to(french_elsewhere).filter(pk=case.pk).exists()
    assert not DetectedUrl.objects.visible_to(french_elsewhere).exists()


def test_prosecutor_does_not_see_a_case_shared_with_their_country_team(cast):
    french_case = cast.case_of(cast.fr)
    findings.case_share_with_team(user=cast.fr, case=french_case, team="DE")
    assert Case.objects.visible_to(cast.de).filter(pk=french_case.pk).exists()
    assert not Case.objects.visible_to(cast.other_prosecutor).filter(pk=french_case.pk).exists()


def test_withdrawing_a_share_hides_the_case_again(cast):
    case = german_family(cast, shared=True)["case"]
    findings.case_unshare_with_team(user=cast.de, case=case, team="FR")
    findings.case_unshare_with_prosecutor(user=cast.de, case=case, prosecutor=cast.prosecutor)
    assert not Case.objects.visible_to(cast.fr).filter(pk=case.pk).exists()
    assert not Suspect.objects.visible_to(cast.prosecutor).exists()


def test_linking_a_finding_to_a_shared_case_shares_it_and_its_evidence(cast):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from evidence.services import evidence_attach

    from .cast import PNG

    case = cast.case_of(cast.de)
    findings.case_share_with_team(user=cast.de, case=case, team="FR")
    suspect = findings.suspect_log(user=cast.de, operation=cast.operation, alias="Recruiter R.")
    photo = evidence_attach(user=cast.de, finding=suspect, upload=SimpleUploadedFile("r.png", PNG))
    assert not Suspect.objects.visible_to(cast.fr).filter(pk=suspect.pk).exists()
    assert not Evidence.objects.visible_to(cast.fr).filter(pk=photo.pk).exists()
    findings.link_to_case(user=cast.de, finding=suspect, case=case)
    assert Suspect.objects.visible_to(cast.fr).filter(pk=suspect.pk).exists()
    assert Evidence.objects.visible_to(cast.fr).filter(pk=photo.pk).exists()


def test_only_the_owner_or_a_coordinator_may_share(cast):
    from django.core.exceptions import PermissionDenied, ValidationError

    case = german_family(cast, shared=True)["case"]
    with pytest.raises(PermissionDenied):
        findings.case_share_with_prosecutor(user=cast.fr, case=case, prosecutor=cast.other_prosecutor)
    with pytest.raises(ValidationError, match="not a prosecutor"):
        findings.case_share_with_prosecutor(user=cast.de, case=case, prosecutor=cast.fr)
    with pytest.raises(ValidationError, match="No team RO"):
        findings.case_share_with_team(user=cast.de, case=case, team="RO")
    findings.case_share_with_prosecutor(user=cast.coordinator, case=case, prosecutor=cast.other_prosecutor)
    assert Case.objects.visible_to(cast.other_prosecutor).filter(pk=case.pk).exists()


def test_other_teams_and_prosecutors_cannot_log_or_change(cast):
    from django.core.exceptions import PermissionDenied

    case = cast.case_of(cast.de)
    for user in (cast.fr, cast.prosecutor, cast.outsider):
        with pytest.raises(PermissionDenied):
            findings.case_update(user=user, case=case, expected_version=case.version, title="changed")
    with pytest.raises(PermissionDenied):
        findings.suspect_log(user=cast.prosecutor, operation=cast.operation, alias="x")
    with pytest.raises(PermissionDenied):
        findings.suspect_log(user=cast.outsider, operation=cast.operation, alias="x")
    case.refresh_from_db()
    assert case.title != "changed"
