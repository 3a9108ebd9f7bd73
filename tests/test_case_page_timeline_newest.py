"""A case page shows the newest part of a long history and says where the rest is; the case file has it all."""

import pytest
from django.urls import reverse

import audit
from findings.case_reader import read_case
from findings.views.cases import TIMELINE_ON_PAGE

pytestmark = pytest.mark.django_db


def test_a_long_history_shows_its_newest_events_and_counts_the_earlier_ones(client, cast):
    case = cast.case_of(cast.de)
    for n in range(TIMELINE_ON_PAGE + 7):
        audit.record(actor=cast.de, action="consult", obj=case, summary=f"Case page viewed, visit {n}")
    whole = read_case(user=cast.de, case=case).timeline  # the case file's and the bundle's history
    client.force_login(cast.de)
    html = client.get(reverse("case_detail", args=[cast.operation.code, case.reference])).content.decode()
    # The page's own visit is one more consultation, read after it was recorded.
    earlier = len(whole) + 1 - TIMELINE_ON_PAGE
    assert f"{earlier} earlier events of this case are in its case file" in html
    assert f"visit {TIMELINE_ON_PAGE + 6}<" in html  # the newest
    assert "case opened" not in html and "visit 0<" not in html  # the oldest are left to the case file
    assert html.count("<tr><td>") >= TIMELINE_ON_PAGE


def test_the_page_reads_the_same_newest_events_as_the_whole_history_ends_with(cast):
    case = cast.case_of(cast.de)
    for n in range(12):
        audit.record(actor=cast.de, action="consult", obj=case, summary=f"visit {n}")
    whole = read_case(user=cast.de, case=case)
    newest = read_case(user=cast.de, case=case, newest_events=5)
    assert newest.timeline == whole.timeline[-5:]
    assert newest.events_total == len(whole.timeline) == whole.events_total
