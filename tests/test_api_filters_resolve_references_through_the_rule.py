"""A filter that names another record resolves it through the access rule first.

Every filter of every list and export is enumerated from the filtersets themselves: a filter that
takes a record's id is a ``VisibleIdFilter`` (or names public reference data), and a record the reader
may not see filters to nothing, exactly like an id that does not exist. Before, ``?case=8`` on the URL
list (URLs are shared with the whole operation) answered which URLs hang off another team's hidden
case 8, and counting through ``?case=1..N`` mapped every hidden case.
"""

import csv
import io

import django_filters
import pytest

from api.filters import VisibleIdFilter
from config.api_urls import RESOURCES
from findings import services as findings
from findings.models import Case, DetectedUrl, PossibleVictim, SocialAccount, Suspect
from operations.models import Operation
from platforms import services as platforms
from platforms.models import PlatformCheck

from .api_client import api_as, url

pytestmark = pytest.mark.django_db

# Filters that take an id but name no record the rule hides: the platform catalogue is reference data
# everyone sees; a sequence number is a position in the trail; the trail's object_id filters only the
# events the reader may read already (``audit_events_visible_to``: their coordinated operations' events).
NOT_A_HIDDEN_RECORD = {
    ("platform-check", "platform"), ("url", "platform"), ("social-account", "platform"),
    ("audit-event", "seq_after"), ("audit-event", "object_id"),
}


def _filters():
    """(basename, has export, filter name, filter) for every filter of every list of the API."""
    for _, viewset, basename in RESOURCES:
        filterset = getattr(viewset, "filterset_class", None)
        if filterset is None:
            continue
        for name, field in filterset.base_filters.items():
            yield basename, hasattr(viewset, "export"), name, field


ALL_FILTERS = list(_filters())
REFERENCE_FILTERS = [(b, e, n, f) for b, e, n, f in ALL_FILTERS if isinstance(f, VisibleIdFilter)]


def test_every_filter_that_takes_an_id_resolves_it_through_the_rule():
    takes_an_id = [
        (basename, name, field) for basename, _, name, field in ALL_FILTERS
        if isinstance(field, django_filters.NumberFilter) or name.endswith("_id")
    ]
    assert len(takes_an_id) > 15, "the enumeration found too few filters to prove anything"
    for basename, name, field in takes_an_id:
        assert isinstance(field, VisibleIdFilter) or (basename, name) in NOT_A_HIDDEN_RECORD, (
            f"?{name}= of {basename} names a record without asking the rule"
        )


def _hidden_from_fr(cast, model):
    """A record of ``model`` that the French analyst may not see (it exists: its id is real)."""
    family = cast.family_of(cast.de)  # a German case nobody shared, with one of everything
    elsewhere = {
        DetectedUrl: lambda: findings.url_log(user=cast.outsider, operation=cast.other_operation,
                                              raw_url="https://elsewhere.example/1")[0],
        SocialAccount: lambda: findings.account_log(user=cast.outsider, operation=cast.other_operation,
                                                    platform=cast.platform, handle="@elsewhere")[0],
        PlatformCheck: lambda: platforms.check_plan(user=cast.outsider, operation=cast.other_operation,
                                                    platform=cast.platform),
    }
    by_model = {Case: family["case"], Suspect: family["suspect"], PossibleVictim: family["victim"],
                Operation: cast.other_operation}
    record = by_model.get(model) or elsewhere[model]()
    assert not model.objects.visible_to(cast.fr).filter(pk=record.pk).exists()
    return record


def _rows(client, basename, exported, params):
    if exported:
        response = client.get(url(f"{basename}-export"), params, HTTP_X_JUSTIFICATION="Reviewing the operation's leads")
        assert response.status_code == 200
        return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))[1:]
    response = client.get(url(f"{basename}-list"), params, HTTP_X_JUSTIFICATION="Reviewing the operation's leads")
    assert response.status_code == 200, response.content
    return response.json()["results"]


# Every list, and every export, with each filter of it that names a record.
REFERENCE_CASES = [(b, n, f.model, exported) for b, has_export, n, f in REFERENCE_FILTERS
                   for exported in ((False, True) if has_export else (False,))]


@pytest.mark.parametrize(
    "basename,name,model,exported", REFERENCE_CASES,
    ids=[f"{b}{'-export' if e else ''}?{n}" for b, n, _, e in REFERENCE_CASES],
)
def test_a_hidden_reference_filters_to_nothing_like_an_unknown_one(cast, basename, name, model, exported):
    hidden = _hidden_from_fr(cast, model)
    unknown = model.objects.order_by("-pk").first().pk + 1000
    client = api_as(cast.fr)
    assert _rows(client, basename, exported, {name: hidden.pk}) == []
    assert _rows(client, basename, exported, {name: unknown}) == []


def test_the_urls_of_a_hidden_case_are_not_named_by_the_case_filter(cast):
    family = cast.family_of(cast.de)  # its URL and account are shared with the operation, its case is not
    client = api_as(cast.fr)
    every_url = [row["id"] for row in client.get(url("url-list")).json()["results"]]
    assert family["url"].pk in every_url  # the French analyst sees the URL itself
    for basename in ("url", "social-account"):
        assert client.get(url(f"{basename}-list"), {"case": family["case"].pk}).json()["results"] == []
        export = client.get(url(f"{basename}-export"), {"case": family["case"].pk})
        assert len(list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode())))) == 1  # the header


def test_a_reference_the_reader_may_see_still_filters(cast):
    family = cast.family_of(cast.de)
    findings.case_share_with_team(user=cast.de, case=family["case"], team="FR")
    rows = api_as(cast.fr).get(url("url-list"), {"case": family["case"].pk}).json()["results"]
    assert [row["id"] for row in rows] == [family["url"].pk]
