"""The hit badge sits next to each finding that has hits — in the workspace, on the case page and on
the finding's page — counts only hits the user may see, and costs the same few queries however
many badges a page shows."""

import pytest
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from findings import services as findings
from hits.matching import match_pending

pytestmark = pytest.mark.django_db


@pytest.fixture
def hits(cast):
    """DE's case and suspect share a phone number with FR's case."""
    german = cast.case_of(cast.de, title="Berlin ring")
    suspect = findings.suspect_log(user=cast.de, operation=cast.operation, alias="Dima", case=german,
                                   notes="WhatsApp 0151 23456789")
    french = cast.case_of(cast.fr, title="Lyon adverts", summary="+49 151 23456789")
    quiet = cast.case_of(cast.de, title="Nothing in common")
    match_pending()
    return {"german": german, "suspect": suspect, "french": french, "quiet": quiet}


def page(client, user, name, *args):
    client.force_login(user)
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    return response.content.decode()


def test_the_workspace_shows_a_badge_on_each_finding_with_hits(client, cast, hits):
    html = page(client, cast.de, "workspace", cast.operation.code)
    inbox = reverse("hits:inbox", args=[cast.operation.code])
    assert f'href="{inbox}?status=all&amp;finding=case:{hits["german"].pk}"' in html
    assert f'href="{inbox}?status=all&amp;finding=suspect:{hits["suspect"].pk}"' in html
    assert f"finding=case:{hits['quiet'].pk}" not in html
    assert html.count('class="hit-badge"') == 2


def test_a_coordinators_badge_leads_to_the_board(client, cast, hits):
    html = page(client, cast.coordinator, "workspace", cast.operation.code)
    board = reverse("hits:board", args=[cast.operation.code])
    assert f'href="{board}?status=all&amp;finding=case:{hits["french"].pk}"' in html
    assert html.count('class="hit-badge"') == 3  # both cases and the suspect


def test_the_case_page_and_the_finding_page_carry_the_badge(client, cast, hits):
    html = page(client, cast.de, "case_detail", cast.operation.code, hits["german"].reference)
    assert f"finding=case:{hits['german'].pk}" in html and f"finding=suspect:{hits['suspect'].pk}" in html
    html = page(client, cast.de, "finding_detail", cast.operation.code, "suspect", hits["suspect"].pk)
    assert f"finding=suspect:{hits['suspect'].pk}" in html and ">1 hit<" in html


def test_the_other_team_gets_no_badge_on_what_it_cannot_see_and_prosecutors_none(client, cast, hits):
    html = page(client, cast.fr, "workspace", cast.operation.code)
    assert f"finding=case:{hits['french'].pk}" in html
    assert f"finding=case:{hits['german'].pk}" not in html and f"finding=suspect:{hits['suspect'].pk}" not in html
    findings.case_share_with_prosecutor(user=cast.fr, case=hits["french"], prosecutor=cast.prosecutor)
    html = page(client, cast.prosecutor, "workspace", cast.operation.code)
    assert "Lyon adverts" in html and 'class="hit-badge"' not in html


def render_badges(user, records):
    request = RequestFactory().get("/")
    request.user = user
    template = Template("{% load hits %}{% for f in records %}{% hit_badge f %}{% endfor %}")
    with CaptureQueriesContext(connection) as queries:
        html = template.render(Context({"request": request, "records": records}))
    return html, len(queries)


def test_a_page_full_of_badges_costs_the_same_queries_as_one(cast, hits):
    for n in range(8):
        findings.suspect_log(user=cast.de, operation=cast.operation, alias=f"Alias {n}", case=hits["german"],
                             notes=f"same phone 0151 23456789 ({n})")
    match_pending()
    def fresh():  # a user as a request loads it: nothing kept on it yet
        return type(cast.de).objects.get(pk=cast.de.pk)

    one_html, one = render_badges(fresh(), [hits["suspect"]])
    suspects = list(hits["german"].suspects.all())
    many_html, many = render_badges(fresh(), suspects)
    assert one_html.count("hit-badge") == 1 and many_html.count("hit-badge") == 9
    assert one == many == 3  # the user's memberships, the hits, and the findings of their two sides
