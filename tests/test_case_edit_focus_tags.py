"""The case edit form shows the operation's focus tags, ticked as the case carries them, and saves them."""

import re

import pytest
from django.urls import reverse

from operations.models import FocusTag

pytestmark = pytest.mark.django_db


@pytest.fixture
def tags(cast):
    names = ("Escort services", "Ukrainian refugees")
    return [FocusTag.objects.create(operation=cast.operation, name=n) for n in names]


def test_the_form_shows_the_tags_and_ticks_the_cases(cast, client, tags):
    case = cast.case_of(cast.de, focus_tags=["Escort services"])
    client.force_login(cast.de)
    page = client.get(reverse("case_edit", args=[cast.operation.code, case.reference])).content.decode()
    assert 'name="focus_tags" value="Escort services"' in page and 'value="Ukrainian refugees"' in page
    assert re.search(r'value="Escort services"[^>]*checked', page)
    assert not re.search(r'value="Ukrainian refugees"[^>]*checked', page)


def test_saving_the_form_changes_the_tags_and_the_timeline_says_so(cast, client, tags):
    case = cast.case_of(cast.de, focus_tags=["Escort services"])
    client.force_login(cast.de)
    form = client.get(reverse("case_edit", args=[cast.operation.code, case.reference])).context["form"]
    data = {**form.initial, "focus_tags": ["Ukrainian refugees"]}
    response = client.post(reverse("case_edit", args=[cast.operation.code, case.reference]), data)
    assert response.status_code == 302
    assert [t.name for t in case.focus_tags.all()] == ["Ukrainian refugees"]
    page = client.get(reverse("case_detail", args=[cast.operation.code, case.reference])).content.decode()
    assert "focus tags: Ukrainian refugees" in page


def test_an_operation_without_focus_tags_asks_nothing_about_them(cast, client):
    case = cast.case_of(cast.de)
    client.force_login(cast.de)
    page = client.get(reverse("case_edit", args=[cast.operation.code, case.reference])).content.decode()
    assert 'name="focus_tags"' not in page
