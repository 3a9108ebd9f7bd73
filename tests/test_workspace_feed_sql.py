"""The workspace list's written-out query (``_newest_sql``, PostgreSQL) gives exactly the rows of the
ORM's (``_newest_orm``): for every role, every filter and every page of a cursor walk. Both read the
same parts of the access rule; this is where a difference between them would show."""

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from findings import services as findings
from findings.models import Indicator
from findings.workspace import KINDS, Cursor, Filters, _newest, _newest_orm, _newest_sql
from operations.access import membership_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged(cast):
    """Findings of three teams: families, a shared case, a case shared with a prosecutor, a location,
    indicators, rows logged in the same microsecond, and an old row."""
    for user in (cast.de, cast.de2, cast.fr, cast.coordinator):
        cast.family_of(user)
    shared = cast.case_of(cast.fr, title="Shared with DE")
    findings.case_share_with_team(user=cast.fr, case=shared, team="DE")
    findings.suspect_log(user=cast.fr, operation=cast.operation, alias="Shared suspect", case=shared)
    for_court = cast.case_of(cast.de, title="For the prosecutor")
    findings.case_share_with_prosecutor(user=cast.de, case=for_court, prosecutor=cast.prosecutor)
    findings.location_log(user=cast.fr, operation=cast.operation, address="Rue de la Paix 1", city="Paris",
                          country="FR", case=shared, note="")
    url, _ = findings.url_log(user=cast.de, operation=cast.operation, raw_url="https://jobs.example/7", case=None)
    findings.indicators_set(user=cast.de, finding=url, indicators=[Indicator.objects.get(code="crypto-only-payment")])
    findings.indicators_set(user=cast.fr, finding=shared,
                            indicators=[Indicator.objects.get(code="recruitment-job-offer")])
    same = timezone.now() - dt.timedelta(minutes=5)
    for model in KINDS.values():  # ties: the kind, then the id, breaks them
        model.objects.filter(operation=cast.operation, team="FR").update(created_at=same)
    KINDS["case"].objects.filter(pk=for_court.pk).update(created_at=timezone.now() - dt.timedelta(days=3))
    return cast


FILTERS = [
    Filters(), Filters(team="mine"), Filters(team="others"), Filters(team="FR"), Filters(since="1h"),
    Filters(since="24h"), *(Filters(kind=kind) for kind in KINDS),
]


def _walk(read, user, operation, filters, membership, count):
    """Every page, following the cursor, as (time, kind, id) rows."""
    pages, cursor = [], None
    while True:
        rows = read(user=user, operation=operation, filters=filters, membership=membership, cursor=cursor,
                    count=count + 1)
        pages.append(rows[:count])
        if len(rows) <= count:
            return pages
        cursor = Cursor(*rows[count - 1])


@pytest.mark.parametrize("who", ["de", "de2", "fr", "coordinator", "prosecutor", "outsider"])
def test_both_ways_give_the_same_rows_for_every_role_and_filter(logged, who):
    cast = logged
    user = getattr(cast, who)
    # The outsider's list of this operation is never served (404); read with their own membership.
    membership = membership_in(user, cast.operation) or membership_in(user, cast.other_operation)
    platform_filters = [Filters(platform=cast.platform), Filters(kind="url", platform=cast.platform)]
    indicator_filters = [Filters(indicator=Indicator.objects.get(code=code))
                         for code in ("crypto-only-payment", "recruitment-job-offer")]
    seen = 0
    for filters, count in itertools.product([*FILTERS, *platform_filters, *indicator_filters], (3, 50)):
        ours = _walk(_newest_sql, user, cast.operation, filters, membership, count)
        orm = _walk(_newest_orm, user, cast.operation, filters, membership, count)
        assert ours == orm, (filters, count)
        seen += sum(map(len, ours))
    if who == "outsider":
        assert seen == 0  # a member of another operation sees nothing of this one
    else:
        assert seen > 0


def test_the_rule_holds_in_the_written_out_query(logged):
    cast = logged
    rows = _newest_sql(user=cast.de, operation=cast.operation, filters=Filters(),
                       membership=membership_in(cast.de, cast.operation), cursor=None, count=500)
    kinds = {(kind, pk) for _, kind, pk in rows}
    for kind, model in KINDS.items():
        for record in model.objects.filter(operation=cast.operation):
            visible = model.objects.visible_to(cast.de).filter(pk=record.pk).exists()
            assert ((kind, record.pk) in kinds) == visible, (kind, record.team, record.pk)
    assert any(kind == "case" and team == "FR" for kind, team in
               ((k, KINDS[k].objects.get(pk=pk).team) for _, k, pk in rows))  # the shared case is there


def test_a_search_is_read_through_the_orm(logged, django_assert_max_num_queries):
    cast = logged
    membership = membership_in(cast.de, cast.operation)
    rows = _newest(user=cast.de, operation=cast.operation, filters=Filters(q="Shared"), membership=membership,
                   cursor=None, count=50)
    assert {kind for _, kind, _ in rows} == {"case", "suspect"}
