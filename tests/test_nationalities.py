"""Nationality of suspects and victims: every ISO 3166-1 country, Kosovo and "stateless"; empty is unknown.
Country teams stay the participating countries."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from findings import services as findings
from findings.forms import VictimLogForm
from findings.models import PossibleVictim, Suspect
from operations.countries import COUNTRY_NAMES, NATIONALITY_NAMES

from .api_client import api_as, url

pytestmark = pytest.mark.django_db


def test_every_iso_country_kosovo_and_stateless_are_nationalities_but_not_teams():
    assert len(NATIONALITY_NAMES) == 249 + 2
    for code, name in {"RU": "Russian Federation", "SY": "Syria", "ER": "Eritrea", "MA": "Morocco",
                       "XK": "Kosovo", "XX": "Stateless"}.items():
        assert NATIONALITY_NAMES[code] == name
    assert "EU" not in NATIONALITY_NAMES and "EU" in COUNTRY_NAMES and "ER" not in COUNTRY_NAMES


def test_the_log_form_offers_every_nationality_by_name_with_unknown_first(cast):
    choices = VictimLogForm(user=cast.de, operation=cast.operation).fields["nationality"].choices
    assert choices[0] == ("", "Unknown") and len(choices) == 252
    names = [label for _, label in choices[1:]]
    # By name, accents aside: a select's type-ahead finds "Åland" under A, "Côte d'Ivoire" before "Croatia".
    assert names[:3] == ["Afghanistan", "Åland Islands", "Albania"]
    assert names.index("Côte d'Ivoire") < names.index("Croatia") and "Stateless" in names


def test_a_victim_from_eritrea_and_a_stateless_suspect_are_logged_on_the_page_and_through_the_api(cast, client):
    client.force_login(cast.de)
    response = client.post(reverse("finding_log", args=[cast.operation.code, "victim"]),
                           {"nationality": "ER", "sex": "female", "age_band": "18-24"})
    assert response.status_code == 302 and PossibleVictim.objects.get().nationality == "ER"
    answer = api_as(cast.de).post(url("suspect-list"), {"operation": cast.operation.pk, "alias": "Abu",
                                                          "nationality": "XX"}, format="json")
    assert answer.status_code == 201 and Suspect.objects.get().nationality == "XX"
    refused = api_as(cast.de).post(url("suspect-list"), {"operation": cast.operation.pk, "alias": "Eu",
                                                           "nationality": "EU"}, format="json")
    assert refused.status_code == 400 and "nationality" in refused.json()["fields"]


def test_the_schema_names_the_nationalities_apart_from_the_teams(client, cast):
    client.force_login(cast.de)
    schema = client.get("/api/schema/", headers={"Accept": "application/vnd.oai.openapi+json"}).json()
    enums = schema["components"]["schemas"]
    assert "ER" in enums["NationalityEnum"]["enum"] and "EU" not in enums["NationalityEnum"]["enum"]
    assert "EU" in enums["CountryEnum"]["enum"] and "ER" not in enums["CountryEnum"]["enum"]


def test_the_migration_makes_an_eu_nationality_unknown(cast):
    victim = findings.victim_log(user=cast.de, operation=cast.operation)
    PossibleVictim.objects.filter(pk=victim.pk).update(nationality="EU")
    migration = importlib.import_module("findings.migrations.0008_nationality_every_country")
    migration.eu_is_no_nationality(apps, None)
    assert PossibleVictim.objects.get(pk=victim.pk).nationality == ""
