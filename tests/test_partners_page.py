"""The partners' page: import a watch list, see and remove your team's lists, export as STIX or MISP."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from findings.models import Selector
from partners.models import WatchList
from partners.watch_lists import watch_list_import

pytestmark = pytest.mark.django_db


def page(cast):
    return reverse("partners", args=[cast.operation.code])


def post(client, cast, text, **fields):
    return client.post(page(cast), {"file": SimpleUploadedFile("ro-list.txt", text.encode()), **fields})


def test_the_page_offers_the_import_the_lists_and_the_exports(client, cast):
    client.force_login(cast.de)
    body = client.get(page(cast)).content.decode()
    assert 'type="file"' in body and "No watch list of your team" in body
    for name in ("api:operation-stix", "api:operation-misp"):
        assert reverse(name, args=[cast.operation.pk]) in body
    assert reverse("partners", args=[cast.operation.code]) in client.get(
        reverse("findings_import", args=[cast.operation.code])).content.decode()


def test_a_good_list_is_imported_and_counted(client, cast):
    client.force_login(cast.de)
    response = post(client, cast, "+49 151 23456789\nhxxps://escort-ads[.]example/x\n", name="RO partner list")
    assert response.status_code == 200
    body = response.content.decode()
    assert "2 identifiers read" in body and "3 new" in body
    assert "RO partner list" in body
    assert Selector.objects.filter(team="DE").count() == 3


def test_a_bad_list_names_every_problem_and_saves_nothing(client, cast):
    client.force_login(cast.de)
    response = post(client, cast, "+49 151 23456789\nnonsense\n")
    assert response.status_code == 400
    assert "nonsense" in response.content.decode() and not Selector.objects.exists()


def test_a_prosecutor_sees_why_they_cannot_import(client, cast):
    client.force_login(cast.prosecutor)
    assert 'type="file"' not in client.get(page(cast)).content.decode()
    assert post(client, cast, "+49 151 23456789\n").status_code == 403
    assert not Selector.objects.exists()


def test_a_list_is_removed_by_its_team_not_by_another(client, cast):
    watch_list = watch_list_import(user=cast.de, operation=cast.operation, data=b"+49 151 23456789\n",
                                   name="DE list").watch_list
    remove = reverse("watch_list_remove", args=[cast.operation.code, watch_list.pk])
    client.force_login(cast.fr)
    assert "DE list" not in client.get(page(cast)).content.decode()
    assert client.post(remove).status_code == 404
    client.force_login(cast.de)
    assert client.post(remove).status_code == 302
    assert not WatchList.objects.exists() and not Selector.objects.exists()


def test_another_operations_page_is_not_found(client, cast):
    client.force_login(cast.outsider)
    assert client.get(page(cast)).status_code == 404


def test_the_case_page_links_its_stix_and_misp_exports(client, cast):
    case = cast.case_of(cast.de)
    client.force_login(cast.de)
    body = client.get(reverse("case_detail", args=[cast.operation.code, case.reference])).content.decode()
    assert reverse("api:case-stix", args=[case.pk]) in body and reverse("api:case-misp", args=[case.pk]) in body
