"""An operation's STIX or MISP export reads its filters as the lists do (issue 17): ``?case=`` names a case
through the access rule first, so a hidden case filters to nothing rather than saying which of the URLs
a team may see hang off it; an empty value or a yes/no other than true/false is refused, never ignored."""

import pytest

from .api_client import api_as, url
from .partners import DE_URL, partners_scene

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("fmt", ["stix", "misp"])
def test_a_hidden_case_filters_to_nothing_like_one_that_does_not_exist(cast, fmt):
    scene = partners_scene(cast)
    fr = api_as(cast.fr)
    everything = fr.get(url(f"operation-{fmt}", cast.operation.pk)).content.decode()
    assert DE_URL in everything  # URLs are shared with the operation: FR sees DE's, not its case
    hidden = fr.get(url(f"operation-{fmt}", cast.operation.pk), {"case": scene.open_case.pk})
    missing = fr.get(url(f"operation-{fmt}", cast.operation.pk), {"case": 2**40})
    assert hidden.status_code == missing.status_code == 200
    assert DE_URL not in hidden.content.decode() and DE_URL not in missing.content.decode()
    seen = api_as(cast.de).get(url(f"operation-{fmt}", cast.operation.pk), {"case": scene.open_case.pk})
    assert DE_URL in seen.content.decode()


@pytest.mark.parametrize("params,field", [
    ({"created_after": ""}, "created_after"), ({"case": ""}, "case"), ({"no_case": "yes"}, "no_case"),
    ({"case": 2**63}, "case"), ({"case": 0}, "case"),
])
def test_an_empty_or_out_of_range_filter_is_refused_with_its_name(cast, params, field):
    for fmt in ("stix", "misp"):
        response = api_as(cast.coordinator).get(url(f"operation-{fmt}", cast.operation.pk), params)
        assert response.status_code == 400, (fmt, params)
        assert list(response.json()["fields"]) == [field]
