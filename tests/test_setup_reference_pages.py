"""Focus tags and the platform catalogue: edited on pages and imported from a file, all or nothing."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEvent
from operations.models import FocusTag
from operations.services import membership_add
from platforms.models import Platform, PlatformDomain
from setup.catalogue import catalogue_import
from spreadsheets.reading import ImportRejected

from .cast import make_user
from .edition import as_csv, as_xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(cast):
    """The cast's coordinator, of the lead agency: the lead coordinator."""
    membership_add(by=cast.coordinator, operation=cast.operation, user=cast.coordinator, role="coordinator",
                   team="NL", agency=cast.operation.lead_agency)
    return cast.coordinator


def tags(cast):
    return sorted(FocusTag.objects.filter(operation=cast.operation).values_list("name", flat=True))


def test_focus_tags_are_added_renamed_and_removed_on_the_page(client, cast, lead):
    client.force_login(lead)
    url = reverse("setup_focus_tags", args=[cast.operation.code])
    client.post(url, {"action": "add", "names": "Ukrainian refugees\nEscort services"})
    assert tags(cast) == ["Escort services", "Ukrainian refugees"]
    tag = FocusTag.objects.get(name="Escort services")
    client.post(url, {"action": "rename", "tag": tag.pk, "name": "Escort agencies"})
    client.post(url, {"action": "remove", "tag": FocusTag.objects.get(name="Ukrainian refugees").pk})
    assert tags(cast) == ["Escort agencies"]


def test_a_tag_in_use_is_renamed_not_removed(client, cast, lead):
    FocusTag.objects.create(operation=cast.operation, name="Escort services")
    cast.case_of(cast.de, focus_tags=["Escort services"])
    client.force_login(lead)
    url = reverse("setup_focus_tags", args=[cast.operation.code])
    page = client.post(url, {"action": "remove", "tag": FocusTag.objects.get().pk}, follow=True).content.decode()
    assert "rename it rather than remove it" in page and tags(cast) == ["Escort services"]


def test_focus_tags_import_from_a_file_all_or_nothing_and_again_nothing(client, cast, lead):
    client.force_login(lead)
    url = reverse("setup_focus_tags", args=[cast.operation.code])
    data = as_xlsx([["Ukrainian refugees"], ["Labour exploitation"]], header=["name"])
    client.post(url, {"action": "import", "file": SimpleUploadedFile("tags.xlsx", data)})
    assert tags(cast) == ["Labour exploitation", "Ukrainian refugees"]
    events = AuditEvent.objects.count()
    client.post(url, {"action": "import", "file": SimpleUploadedFile("tags.xlsx", data)})
    assert AuditEvent.objects.count() == events
    bad = as_csv([["AI adverts"], [""], ["x" * 90]], header=["name"])
    page = client.post(url, {"action": "import", "file": SimpleUploadedFile("t.csv", bad)})
    assert page.status_code == 400 and "longer than 80 characters" in page.content.decode()
    assert "AI adverts" not in tags(cast)


def test_only_the_lead_coordinator_or_an_administrator_edits_focus_tags(client, cast):
    client.force_login(cast.coordinator)  # a coordinator, not of the lead agency
    assert client.get(reverse("setup_focus_tags", args=[cast.operation.code])).status_code == 404


CATALOGUE = [["Telegram", "messaging", "surface", "t.me telegram.org"],
             ["Hydra Bazaar", "Dark-web market", "dark", "hxxp://hydrabzr3xq7demo[.]onion"]]


def test_the_catalogue_imports_from_a_file_and_again_changes_nothing(cast, lead):
    data = as_csv(CATALOGUE, header=["name", "category", "surface", "domains"])
    catalogue_import(user=lead, data=data, filename="platforms.csv")
    hydra = Platform.objects.get(name="Hydra Bazaar")
    assert (hydra.category, hydra.surface) == ("dark_web_market", "dark")
    assert list(hydra.domains.values_list("domain", flat=True)) == ["hydrabzr3xq7demo.onion"]
    events = AuditEvent.objects.count()
    rows = catalogue_import(user=lead, data=data, filename="platforms.csv")
    assert {r.state for r in rows} == {"unchanged"} and AuditEvent.objects.count() == events


def test_a_domain_of_another_platform_refuses_the_whole_file(cast, lead):
    data = as_csv([["Telegram", "messaging", "surface", "t.me"],
                   ["Fake", "forum", "surface", "escortguide.example"]], header=["name", "category", "surface",
                                                                                 "domains"])
    with pytest.raises(ImportRejected) as refused:
        catalogue_import(user=lead, data=data, filename="p.csv")
    assert [(p.line, p.field) for p in refused.value.problems] == [(3, "domains")]
    assert not Platform.objects.filter(name="Telegram").exists()


def test_a_platform_is_added_and_changed_on_the_page(client, cast, lead):
    client.force_login(lead)
    url = reverse("setup_catalogue")
    client.post(url, {"action": "save", "name": "Vinted", "category": "marketplace", "surface": "surface",
                      "domains": "vinted.com www.vinted.fr", "active": "on"})
    vinted = Platform.objects.get(name="Vinted")
    assert sorted(vinted.domains.values_list("domain", flat=True)) == ["vinted.com", "vinted.fr"]
    client.post(url, {"action": "save", "platform": vinted.pk, "name": "Vinted", "category": "classifieds",
                      "surface": "surface", "domains": "vinted.com"})
    vinted.refresh_from_db()
    assert (vinted.category, vinted.active) == ("classifieds", False)
    assert not PlatformDomain.objects.filter(domain="vinted.fr").exists()


def test_an_analyst_may_not_edit_the_catalogue(client, cast):
    client.force_login(cast.de)
    assert client.get(reverse("setup_catalogue")).status_code == 403
    with pytest.raises(PermissionDenied):
        catalogue_import(user=make_user(), data=as_csv(CATALOGUE, header=["name", "category", "surface",
                                                                          "domains"]), filename="p.csv")
