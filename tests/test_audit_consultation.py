"""Every read of a record of a person is recorded; a possible victim's record needs a justification.

Pages: the detail page of each finding and the case page record a consultation. A victim's record
asks why once per case and session (the reason goes into every consultation of that case's victims).
API: every detail read of a case, suspect, victim, URL, account or evidence is recorded; a victim
read needs ``X-Justification`` (or ``?justification=``): 428 without, 400 when it says too little.
"""

import pytest
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from findings import services as findings

from .api_client import RESOURCE, api_as, url

pytestmark = pytest.mark.django_db

REASON = "Checking the same advert in our case file"


def consultations(user, record):
    return list(AuditEvent.objects.filter(action="consult", actor=user, object_type=record._meta.label_lower,
                                          object_id=str(record.pk)).order_by("seq"))


def detail(cast, kind, record):
    return reverse("finding_detail", args=[cast.operation.code, kind, record.pk])


def justify(client, cast, victim, text=REASON):
    return client.post(reverse("finding_justify", args=[cast.operation.code, "victim", victim.pk]),
                       {"justification": text})


@pytest.mark.parametrize("kind", ["suspect", "url", "account"])
def test_opening_a_finding_page_is_recorded_as_a_consultation(client, cast, kind):
    record = cast.family_of(cast.de)[kind]
    client.force_login(cast.coordinator)
    assert client.get(detail(cast, kind, record)).status_code == 200
    [event] = consultations(cast.coordinator, record)
    assert (event.team, event.operation_id, event.justification) == ("DE", cast.operation.pk, "")
    assert event.summary.endswith("page viewed")


def test_a_page_the_reader_may_not_see_records_nothing(client, cast):
    suspect = cast.family_of(cast.de)["suspect"]
    client.force_login(cast.fr)
    assert client.get(detail(cast, "suspect", suspect)).status_code == 404
    assert not AuditEvent.objects.filter(action="consult").exists()


def test_a_victim_record_first_asks_why_and_shows_nothing_of_it(client, cast):
    victim = findings.victim_log(user=cast.de, operation=cast.operation, case=cast.case_of(cast.de),
                                 notes="Speaks Romanian, scar on the left hand")
    client.force_login(cast.de)
    response = client.get(detail(cast, "victim", victim))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Why do you need this possible victim" in html
    assert "scar on the left hand" not in html and "Romanian" not in html
    assert not consultations(cast.de, victim)


def test_a_justification_that_says_too_little_is_refused(client, cast):
    victim = cast.family_of(cast.de)["victim"]
    client.force_login(cast.de)
    response = justify(client, cast, victim, text="because")
    assert response.status_code == 400
    assert "at least 10 characters" in response.content.decode()
    assert "Why do you need" in client.get(detail(cast, "victim", victim)).content.decode()


def test_the_justification_opens_the_record_and_goes_into_the_consultation(client, cast):
    victim = findings.victim_log(user=cast.de, operation=cast.operation, case=cast.case_of(cast.de),
                                 notes="Speaks Romanian")
    client.force_login(cast.de)
    response = justify(client, cast, victim, text=f"  {REASON}\n ")
    assert response.status_code == 302 and response["Location"] == detail(cast, "victim", victim)
    html = client.get(response["Location"]).content.decode()
    assert "Speaks Romanian" in html
    [event] = consultations(cast.de, victim)
    assert event.justification == REASON
    assert "Romanian" not in event.summary


def test_one_justification_covers_every_victim_of_the_case_for_the_session(client, cast):
    case = cast.case_of(cast.de)
    first, second = (findings.victim_log(user=cast.de, operation=cast.operation, case=case) for _ in range(2))
    elsewhere = findings.victim_log(user=cast.de, operation=cast.operation, case=cast.case_of(cast.de))
    client.force_login(cast.de)
    justify(client, cast, first)
    assert "Why do you need" not in client.get(detail(cast, "victim", second)).content.decode()
    assert [e.justification for e in consultations(cast.de, second)] == [REASON]
    assert "Why do you need" in client.get(detail(cast, "victim", elsewhere)).content.decode()
    # A new session asks again.
    other_session = Client()
    other_session.force_login(cast.de)
    assert "Why do you need" in other_session.get(detail(cast, "victim", first)).content.decode()


def test_a_victim_linked_to_no_case_is_justified_on_its_own(client, cast):
    alone, other = (findings.victim_log(user=cast.de, operation=cast.operation) for _ in range(2))
    client.force_login(cast.de)
    justify(client, cast, alone)
    assert "Why do you need" not in client.get(detail(cast, "victim", alone)).content.decode()
    assert "Why do you need" in client.get(detail(cast, "victim", other)).content.decode()


def test_justifying_a_victim_one_may_not_see_is_not_found(client, cast):
    victim = cast.family_of(cast.de)["victim"]
    client.force_login(cast.fr)
    assert justify(client, cast, victim).status_code == 404
    assert client.get(detail(cast, "victim", victim)).status_code == 404


def test_the_case_page_records_a_consultation(client, cast):
    case = cast.case_of(cast.de)
    client.force_login(cast.de2)
    client.get(reverse("case_detail", args=[cast.operation.code, case.reference]))
    assert consultations(cast.de2, case)


# --- the API --------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["case", "suspect", "url", "account", "evidence"])
def test_an_api_detail_read_is_recorded(cast, key):
    record = cast.family_of(cast.de)[key]
    response = api_as(cast.coordinator).get(url(f"{RESOURCE[key]}-detail", record.pk))
    assert response.status_code == 200
    [event] = consultations(cast.coordinator, record)
    assert event.summary.endswith("read through the API")


def test_an_api_list_is_one_consultation_naming_the_records_it_showed_not_one_per_record(cast):
    family = cast.family_of(cast.de)
    api_as(cast.coordinator).get(url("suspect-list"))
    event = AuditEvent.objects.get(action="consult")
    listed = f"suspects listed through the API: {family['suspect'].pk}"
    assert (event.object_type, event.summary) == ("findings.suspect", listed)


def test_an_api_victim_read_without_justification_is_428_and_recorded_nowhere(cast):
    victim = cast.family_of(cast.de)["victim"]
    response = api_as(cast.de).get(url("victim-detail", victim.pk))
    assert response.status_code == 428
    assert response.json()["code"] == "justification_required"
    assert "X-Justification" in response.json()["detail"]
    assert "notes" not in response.json()
    assert not consultations(cast.de, victim)


def test_an_api_victim_read_with_a_short_justification_is_400(cast):
    victim = cast.family_of(cast.de)["victim"]
    response = api_as(cast.de).get(url("victim-detail", victim.pk), HTTP_X_JUSTIFICATION="why")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


@pytest.mark.parametrize("how", ["header", "query"])
def test_an_api_victim_read_with_a_justification_answers_and_records_it(cast, how):
    victim = cast.family_of(cast.de)["victim"]
    client = api_as(cast.de)
    if how == "header":
        response = client.get(url("victim-detail", victim.pk), HTTP_X_JUSTIFICATION=REASON)
    else:
        response = client.get(url("victim-detail", victim.pk), {"justification": "Prüfung des Falls für die StA"})
    assert response.status_code == 200 and response.json()["code"] == victim.code
    [event] = consultations(cast.de, victim)
    assert event.justification == (REASON if how == "header" else "Prüfung des Falls für die StA")


def test_an_api_victim_the_reader_may_not_see_is_404_with_or_without_justification(cast):
    victim = cast.family_of(cast.de)["victim"]
    client = api_as(cast.fr)
    assert client.get(url("victim-detail", victim.pk)).status_code == 404
    assert client.get(url("victim-detail", victim.pk), HTTP_X_JUSTIFICATION=REASON).status_code == 404
    assert client.get(url("victim-detail", victim.pk + 1000)).status_code == 404
