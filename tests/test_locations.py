"""A location — a place an advert or a possible victim points to — is logged like any finding: from
the workspace, the API and an import; once per team however it is spelt; searchable; seen by other
teams only when its case is shared; and a street address held by two teams is a cross-border hit."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEvent
from findings import services as findings
from findings.models import Hit, Location, Selector
from hits.matching import match_pending
from operations.access import forget_access

from .api_client import api_as, url

pytestmark = pytest.mark.django_db


def test_a_place_spelt_two_ways_is_logged_once_per_team(cast):
    first, created = findings.location_log(user=cast.de, operation=cast.operation, address="Oranienburger Straße 12",
                                           city="Berlin", country="DE")
    again, created_again = findings.location_log(user=cast.de, operation=cast.operation,
                                                 address="oranienburger  strasse 12,", city="BERLIN", country="DE")
    assert created and not created_again and again.pk == first.pk
    assert first.key == "de|berlin|oranienburger strasse 12"
    assert AuditEvent.objects.filter(object_type="findings.location", object_id=str(first.pk),
                                     summary="location logged").count() == 1


def test_a_place_needs_an_address_or_a_city(cast):
    with pytest.raises(Exception, match="address or a city"):
        findings.location_log(user=cast.de, operation=cast.operation, country="DE")
    assert not Location.objects.exists()


def test_logged_from_the_workspace_and_found_by_its_search(client, cast):
    client.force_login(cast.de)
    response = client.post(reverse("finding_log", args=[cast.operation.code, "location"]),
                           {"address": "Hauptstraße 5", "city": "München", "country": "DE"})
    assert response.status_code == 302
    feed = client.get(reverse("workspace", args=[cast.operation.code]), {"q": "hauptstrasse"},
                      headers={"HX-Request": "true", "HX-Target": "feed"}).content.decode()
    assert "Hauptstraße 5, München, Germany" in feed
    assert "Location" in feed


def test_the_workspace_form_refuses_an_empty_place_and_keeps_what_was_typed(client, cast):
    client.force_login(cast.de)
    response = client.post(reverse("finding_log", args=[cast.operation.code, "location"]),
                           {"country": "FR", "note": "seen in two adverts"})
    html = response.content.decode()
    assert response.status_code == 200 and "Give an address or a city." in html
    assert "seen in two adverts" in html and not Location.objects.exists()


def test_another_team_sees_a_location_only_once_its_case_is_shared(cast):
    case = cast.case_of(cast.de)
    place, _ = findings.location_log(user=cast.de, operation=cast.operation, city="Lyon", country="FR", case=case)
    assert not Location.objects.visible_to(cast.fr).filter(pk=place.pk).exists()
    findings.case_share_with_team(user=cast.de, case=case, team="FR")
    forget_access(cast.fr)  # the same user object asks again after the share
    assert Location.objects.visible_to(cast.fr).filter(pk=place.pk).exists()
    assert Location.objects.visible_to(cast.coordinator).filter(pk=place.pk).exists()


def test_the_same_street_address_held_by_two_teams_is_a_hit_and_a_city_alone_is_not(cast):
    findings.location_log(user=cast.de, operation=cast.operation, address="Rue de la Paix 3", city="Paris",
                          country="FR")
    findings.location_log(user=cast.fr, operation=cast.operation, address="rue de la paix 3", city="PARIS",
                          country="FR")
    findings.location_log(user=cast.de, operation=cast.operation, city="Lyon", country="FR")
    findings.location_log(user=cast.fr, operation=cast.operation, city="Lyon", country="FR")
    match_pending()
    assert list(Selector.objects.filter(kind="location").values_list("value", flat=True).distinct()) == [
        "fr|paris|rue de la paix 3"
    ]
    hit = Hit.objects.get()
    assert hit.kind == "location" and {hit.team_a, hit.team_b} == {"DE", "FR"}


def test_logged_changed_and_exported_through_the_api(cast):
    client = api_as(cast.de)
    response = client.post(url("location-list"), {"operation": cast.operation.pk, "address": "Strada Gării 4",
                                                  "city": "Timișoara", "country": "RO"}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["address"], body["city"], body["country"], body["team"]) == ("Strada Gării 4", "Timișoara", "RO", "DE")
    again = client.post(url("location-list"), {"operation": cast.operation.pk, "address": "strada garii 4",
                                               "city": "timisoara", "country": "RO"}, format="json")
    assert again.status_code == 200 and again.json()["id"] == body["id"]  # the team holds it already
    changed = client.patch(url("location-detail", body["id"]), {"note": "pick-up point"}, format="json")
    assert changed.status_code == 200 and changed.json()["note"] == "pick-up point"
    export = b"".join(client.get(url("location-export")).streaming_content).decode()
    assert "address,city,country,note,case" in export.splitlines()[0] and "Strada Gării 4" in export


def test_the_api_refuses_a_location_without_address_or_city(cast):
    response = api_as(cast.de).post(url("location-list"), {"operation": cast.operation.pk, "country": "RO"},
                                    format="json")
    assert response.status_code == 400
    assert response.json()["fields"]["city"] == ["Give an address or a city."]


def test_imported_from_a_file_once_however_spelt(cast):
    client = api_as(cast.de)
    text = "address,city,country,note\nHauptstraße 1,Berlin,DE,flat\nhauptstrasse 1,berlin,de,same flat\n,Paris,FR,\n"
    body = {"kind": "locations", "file": SimpleUploadedFile("places.csv", text.encode(), content_type="text/csv")}
    response = client.post(url("operation-import-file", cast.operation.pk), body, format="multipart")
    assert response.status_code == 201, response.json()
    assert response.json() == {"kind": "locations", "rows": 3, "created": 2, "existing": 1}
    assert Selector.objects.filter(kind="location", team="DE").count() == 1  # the street address, not the city
