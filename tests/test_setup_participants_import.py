"""An operation's participants from one CSV or XLSX file: previewed, then all saved or none; again, nothing."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from audit.models import AuditEvent
from operations.models import Agency, Membership, Participation
from operations.services import membership_add
from setup.participants import participants_check, participants_import
from spreadsheets.reading import ImportRejected

from .cast import make_user
from .edition import ANALYST, COORDINATOR, LEAD, as_csv, as_xlsx, edition_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(db):
    user = make_user("admin")
    user.is_staff = True
    user.save()
    return user


def test_a_preview_of_an_edition_file_counts_27_teams_and_76_people_and_saves_nothing(cast, admin):
    plan = participants_check(user=admin, operation=cast.operation, data=as_xlsx(edition_rows()),
                              filename="participants.xlsx")
    counts = plan.counts()
    assert (counts["agencies"], counts["people"], counts["experts"]) == (27, 76, 76)
    assert len({a["country"] for a in plan.agencies}) == 27
    assert not get_user_model().objects.filter(email=COORDINATOR).exists()


def test_the_import_saves_agencies_experts_accounts_and_memberships(cast, admin):
    participants_import(user=admin, operation=cast.operation, data=as_xlsx(edition_rows()), filename="p.xlsx")
    people = Membership.objects.filter(operation=cast.operation, user__email__endswith=".police.example")
    assert people.count() == 76
    assert people.filter(role="prosecutor").count() == 2
    coordinator = people.get(user__email=COORDINATOR)
    assert (coordinator.role, coordinator.team, coordinator.agency.name) == ("coordinator", "NL", LEAD)
    analyst = get_user_model().objects.get(email=ANALYST)
    assert (analyst.username, analyst.get_full_name(), analyst.has_usable_password()) == (
        ANALYST, "Expert1 DE", False)
    bka = Participation.objects.get(operation=cast.operation, agency__name="Bundeskriminalamt")
    assert bka.experts == 3
    assert AuditEvent.objects.filter(summary="member added by a participants import").count() == 76


def test_importing_the_same_file_again_changes_nothing(cast, admin):
    data = as_xlsx(edition_rows())
    participants_import(user=admin, operation=cast.operation, data=data, filename="p.xlsx")
    events = AuditEvent.objects.count()
    plan = participants_import(user=admin, operation=cast.operation, data=data, filename="p.xlsx")
    assert plan.changes == 0
    assert AuditEvent.objects.count() == events
    assert Membership.objects.filter(operation=cast.operation).count() == 76 + 6  # and the cast's six


def test_a_second_file_adds_and_changes_people_and_loses_no_one(cast, admin):
    participants_import(user=admin, operation=cast.operation, data=as_csv(edition_rows()), filename="p.csv")
    second = [["Bundeskriminalamt", "DE", 5, "Expert1 DE", ANALYST, "coordinator", "DE"],
              ["Bundeskriminalamt", "DE", 5, "Neue Person", "neu@de.police.example", "analyst", "DE"]]
    plan = participants_import(user=admin, operation=cast.operation, data=as_csv(second), filename="p2.csv")
    counts = plan.counts()
    assert (counts["new_memberships"], counts["changed_memberships"], counts["changed_participations"]) == (1, 1, 1)
    assert Membership.objects.filter(operation=cast.operation, user__email__endswith=".police.example").count() == 77
    assert Membership.objects.get(user__email=ANALYST).role == "coordinator"
    assert Participation.objects.get(operation=cast.operation, agency__name="Bundeskriminalamt").experts == 5


def test_a_file_with_bad_lines_is_refused_whole_with_each_line_and_nothing_is_saved(cast, admin):
    rows = edition_rows()
    rows[3][4] = "not-an-address"
    rows[10][5] = "boss"
    rows[20][1] = "QQ"
    rows[30][4] = rows[31][4]
    with pytest.raises(ImportRejected) as refused:
        participants_import(user=admin, operation=cast.operation, data=as_xlsx(rows), filename="p.xlsx")
    found = {(p.line, p.field) for p in refused.value.problems}
    # Row 1 of the sheet is the header: the fourth person is on line 5.
    assert {(5, "email"), (12, "role"), (22, "country"), (33, "email")} <= found
    assert not Agency.objects.filter(name="Lithuanian Criminal Police Bureau").exists()
    assert not get_user_model().objects.filter(email__endswith=".police.example").exists()


def test_an_unknown_column_or_a_missing_one_is_named(cast, admin):
    with pytest.raises(ImportRejected) as refused:
        participants_check(user=admin, operation=cast.operation,
                           data=as_csv([["BKA", "DE", "x"]], header=["agency", "land", "colour"]), filename="p.csv")
    reasons = " ".join(p.reason for p in refused.value.problems)
    assert "unknown column(s) colour, land" in reasons and "“country” is missing" in reasons


def test_only_an_administrator_or_the_lead_coordinator_imports_participants(cast, admin):
    data = as_csv(edition_rows()[:3])
    for user in (cast.de, cast.prosecutor, cast.coordinator):  # the cast's coordinator has no lead agency
        with pytest.raises(PermissionDenied):
            participants_check(user=user, operation=cast.operation, data=data, filename="p.csv")
    membership_add(by=admin, operation=cast.operation, user=cast.coordinator, role="coordinator", team="NL",
                   agency=cast.operation.lead_agency)  # now of the lead agency: the lead coordinator
    assert participants_check(user=cast.coordinator, operation=cast.operation, data=data,
                              filename="p.csv").counts()["people"] == 3


def test_the_operation_page_shows_each_agencys_experts_beside_its_member_accounts(cast, admin, client):
    rows = [["Bundeskriminalamt", "DE", 5, "Anna Weber", "anna@bka.example", "analyst", "DE"],
            ["Bundeskriminalamt", "DE", 5, "Jonas Beck", "jonas@bka.example", "analyst", "DE"]]
    participants_import(user=admin, operation=cast.operation, data=as_csv(rows), filename="p.csv")
    client.force_login(cast.coordinator)
    page = client.get(reverse("operation_detail", args=[cast.operation.code])).content.decode()
    row = re.search(r"<tr><td>DE</td><td>Bundeskriminalamt</td>.*?</tr>", page).group(0)
    assert re.findall(r'<td class="num">(\d+)</td>', row) == ["5", "2"]
