"""The Hits page says truthfully what the other team learns: a URL or account is shared with the whole
operation by design, its note with it — so a hit on one shows it — while suspects, victims and cases
stay hidden until shared. Before, the page said each side learns "never the other team's finding"
while it showed the other team's URL, note included."""

import pytest
from django.urls import reverse

from findings import services as findings
from hits.matching import match_pending

pytestmark = pytest.mark.django_db


@pytest.fixture
def url_hit(cast):
    """DE logged a URL with a note; FR's suspect names the same address."""
    findings.url_log(user=cast.de, operation=cast.operation, raw_url="https://escorts-berlin.example/ad/77",
                     note="Same handler as the Leipzig ring")
    case = cast.case_of(cast.fr, title="Lyon", summary="Adverts at https://escorts-berlin.example/ad/77")
    match_pending()
    return case


def test_the_inbox_shows_the_other_teams_url_and_says_why(cast, url_hit, client):
    client.force_login(cast.fr)
    html = client.get(reverse("hits:inbox", args=[cast.operation.code])).content.decode()
    assert "escorts-berlin[.]example" in html  # the other team's URL is shown, as every team of the operation sees it
    assert "never the other team's finding" not in html
    assert "URLs and accounts, and their notes, are shared with every team of the" in html
    assert "stay hidden until that team shares its case" in html


def test_the_note_of_a_url_is_said_to_be_read_by_the_whole_operation_where_it_is_typed(cast, client):
    client.force_login(cast.de)
    html = client.get(reverse("finding_log", args=[cast.operation.code, "url"])).content.decode()
    assert "Every team of the operation reads it" in html


def test_the_board_says_the_same(cast, url_hit, client):
    client.force_login(cast.coordinator)
    html = client.get(reverse("hits:board", args=[cast.operation.code])).content.decode()
    assert "shared with every team of the" in html
