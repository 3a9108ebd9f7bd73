"""Two analysts edit the same case at once: the second save is refused with a clear message and a
way to merge, and nothing either of them typed is lost."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from findings import services as findings
from findings.models import Case

pytestmark = pytest.mark.django_db


def opened_by(user, case) -> tuple[Client, dict]:
    """The user's browser on the case's edit page: a client and the form's values as loaded."""
    client = Client()
    client.force_login(user)
    response = client.get(edit_url(case))
    assert response.status_code == 200
    form = response.context["form"]
    return client, {name: form.initial[name] for name in form.fields}


def edit_url(case) -> str:
    return reverse("case_edit", args=[case.operation.code, case.reference])


def test_the_second_save_is_refused_with_a_merge_that_loses_nothing(cast):
    case = cast.case_of(cast.de, title="Escort adverts", summary="Two adverts, one phone.")
    anna, annas_form = opened_by(cast.de, case)
    ben, bens_form = opened_by(cast.de2, case)

    # Anna saves first: a new title and a longer summary.
    response = anna.post(edit_url(case), {**annas_form, "title": "Escort adverts, Berlin",
                                          "summary": "Two adverts, one phone. Same handler in Munich."})
    assert response.status_code == 302

    # Ben saves what he typed into the page he opened before: another title and a handling code.
    response = ben.post(edit_url(case), {**bens_form, "title": "Escort adverts with one handler",
                                         "handling_code": "H2"})
    assert response.status_code == 409
    page = response.content.decode()
    assert f"Not saved: {cast.de.username} changed this case while you were editing it" in page
    assert "Escort adverts, Berlin" in page  # Anna's saved title, shown beside his own
    case.refresh_from_db()
    assert (case.title, case.handling_code, case.version) == ("Escort adverts, Berlin", "H0", 2)  # Anna's stands

    # The form he gets back holds his title and handling code, and Anna's summary (only she changed it).
    merged = response.context["form"]
    assert merged.initial["title"] == "Escort adverts with one handler"
    assert merged.initial["handling_code"] == "H2"
    assert merged.initial["summary"] == "Two adverts, one phone. Same handler in Munich."
    assert merged.initial["version"] == 2
    assert list(response.context["conflicts"]) == ["title"]

    # He keeps his title and saves the merge: both people's changes are in the case.
    response = ben.post(edit_url(case), {name: merged.initial[name] for name in merged.fields})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.title == "Escort adverts with one handler"
    assert case.summary == "Two adverts, one phone. Same handler in Munich."
    assert case.handling_code == "H2"
    assert case.version == 3


def test_after_a_conflict_the_other_persons_value_can_be_taken_instead(cast):
    case = cast.case_of(cast.de, title="Escort adverts")
    anna, annas_form = opened_by(cast.de, case)
    ben, bens_form = opened_by(cast.coordinator, case)
    assert anna.post(edit_url(case), {**annas_form, "title": "Anna's title"}).status_code == 302
    response = ben.post(edit_url(case), {**bens_form, "title": "Ben's title", "source_reliability": "B"})
    assert response.status_code == 409
    merged = response.context["form"]
    response = ben.post(edit_url(case), {**{name: merged.initial[name] for name in merged.fields},
                                         "take_saved": "title"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.title, case.source_reliability) == ("Anna's title", "B")


def test_a_form_that_was_tampered_with_is_refused(cast):
    case = cast.case_of(cast.de, title="Escort adverts")
    client, form = opened_by(cast.de, case)
    response = client.post(edit_url(case), {**form, "title": "New", "base": form["base"][:-3] + "xyz"})
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.title == "Escort adverts"


def test_another_team_cannot_open_the_edit_page(cast):
    case = cast.case_of(cast.de)
    client = Client()
    client.force_login(cast.fr)
    assert client.get(edit_url(case)).status_code == 404  # not shared: not even there
    findings.case_share_with_team(user=cast.de, case=case, team="FR")
    assert client.get(edit_url(case)).status_code == 403  # shared: seen, but not theirs to change


@pytest.mark.django_db(transaction=True)
def test_two_saves_at_the_same_instant_one_wins_and_the_other_is_told(cast):
    case = cast.case_of(cast.de, title="Escort adverts")
    start, outcome = threading.Barrier(2), {}

    def save(user, title):
        try:
            start.wait()
            findings.case_update(user=user, case=case, expected_version=1, title=title)
            outcome[title] = "saved"
        except findings.EditConflict as conflict:
            outcome[title] = f"conflict with version {conflict.current.version}"
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(user, f"Title of {user.username}"))
               for user in (cast.de, cast.de2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcome.values()) == ["conflict with version 2", "saved"]
    winner = next(title for title, result in outcome.items() if result == "saved")
    assert Case.objects.get(pk=case.pk).title == winner
