"""Reads for the analyst workspace: the newest findings a user may see, filtered and paged.

Everything starts from ``Model.objects.visible_to(user)``; the filters here only narrow what
the access rule already allows. Pages are cut by keyset (newest first, "older than this row"),
so no page ever counts or offsets over the whole table, however many URLs an operation holds.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db import connections
from django.db.models import IntegerField, Q, Value
from django.utils import timezone

from identifiers.canonical import InvalidUrl, canonical_url, refang
from identifiers.places import location_key
from operations.access import visibility_rule_parts
from operations.models import Membership

from .models import Case, DetectedUrl, Location, PossibleVictim, SocialAccount, Suspect

# The order of kinds breaks ties between rows logged in the same microsecond; it is part of the cursor.
KINDS = {
    "case": Case,
    "suspect": Suspect,
    "victim": PossibleVictim,
    "account": SocialAccount,
    "url": DetectedUrl,
    "location": Location,
}
KIND_OF_MODEL = {model: kind for kind, model in KINDS.items()}
_RANK = {kind: rank for rank, kind in enumerate(KINDS)}
KIND_OF_RANK = dict(enumerate(KINDS))
_WITH_PLATFORM = {"url", "account"}
_WITH_INDICATORS = {"url", "case"}

SINCE_CHOICES = [
    ("", "Any time"),
    ("15m", "Last 15 minutes"),
    ("1h", "Last hour"),
    ("4h", "Last 4 hours"),
    ("24h", "Last 24 hours"),
    ("7d", "Last 7 days"),
]
_SINCE = {"15m": dt.timedelta(minutes=15), "1h": dt.timedelta(hours=1), "4h": dt.timedelta(hours=4),
          "24h": dt.timedelta(hours=24), "7d": dt.timedelta(days=7)}

PAGE_SIZE = 50


@dataclass(frozen=True)
class Cursor:
    """Where a page ends: the last row's time, kind and id. Rows strictly "before" it come next."""

    created_at: dt.datetime
    kind: str
    pk: int

    def encode(self) -> str:
        return f"{self.created_at.isoformat()}~{self.kind}~{self.pk}"

    @classmethod
    def decode(cls, text: str | None) -> "Cursor | None":
        """The cursor of a ``?before=`` value; None for anything malformed (the first page is shown)."""
        try:
            stamp, kind, pk = (text or "").split("~")
            created_at = dt.datetime.fromisoformat(stamp)
            if kind not in KINDS or created_at.tzinfo is None:
                return None
            return cls(created_at, kind, int(pk))
        except ValueError:
            return None

    def older_than(self, kind: str) -> Q:
        """The rows of ``kind`` that come after this cursor in (newest first, kind, id) order."""
        rank, mine = _RANK[kind], _RANK[self.kind]
        if rank < mine:  # same time, earlier kind: already shown
            return Q(created_at__lt=self.created_at)
        if rank > mine:
            return Q(created_at__lte=self.created_at)
        return Q(created_at__lt=self.created_at) | Q(created_at=self.created_at, pk__lt=self.pk)

    def older_than_sql(self, kind: str, *, pk_column: str) -> tuple[str, list]:
        """``older_than`` as SQL, for the list's written-out query (``_newest_sql``)."""
        rank, mine = _RANK[kind], _RANK[self.kind]
        if rank < mine:
            return "created_at < %s", [self.created_at]
        if rank > mine:
            return "created_at <= %s", [self.created_at]
        return f"(created_at < %s OR (created_at = %s AND {pk_column} < %s))", [self.created_at, self.created_at,
                                                                               self.pk]


@dataclass
class Filters:
    kind: str = ""
    platform: object = None
    indicator: object = None
    team: str = ""  # "", "mine", "others" or a country code
    since: str = ""
    q: str = ""

    def kinds(self) -> list[str]:
        kinds = [self.kind] if self.kind in KINDS else list(KINDS)
        if self.platform is not None:
            kinds = [k for k in kinds if k in _WITH_PLATFORM]
        if self.indicator is not None:
            kinds = [k for k in kinds if k in _WITH_INDICATORS]
        return kinds

    @property
    def active(self) -> bool:
        return bool(self.kind or self.platform or self.indicator or self.team or self.since or self.q)


@dataclass
class Row:
    kind: str
    record: object
    case: object = None  # the linked case, only when the user may see it
    particulars: bool = True  # a victim's particulars (not only its code) may be listed

    @property
    def created_at(self):
        return self.record.created_at

    @property
    def indicator_names(self) -> list[str]:
        return getattr(self.record, "indicator_names", [])

    @property
    def cursor(self) -> Cursor:
        return Cursor(self.record.created_at, self.kind, self.record.pk)


@dataclass
class FeedPage:
    rows: list[Row] = field(default_factory=list)
    next_cursor: Cursor | None = None


def _search(kind: str, q: str) -> Q | None:
    """What ``q`` matches in one kind; None when the kind has nothing to match it against.

    Substrings are matched with ``icontains``: on PostgreSQL, ``UPPER(column::text) LIKE …``, which
    the trigram indexes of migration findings/0005 are built on (every side of an OR has one, or
    none is used). References and victim codes are upper case by construction: an exact match on
    the upper-cased text uses their unique index.
    """
    if kind == "url":
        return _search_urls(q)
    if kind == "account":
        handle = q.strip().lstrip("@")
        return Q(handle__icontains=handle) | Q(display_name__icontains=q)
    if kind == "suspect":
        return Q(alias__icontains=q)
    if kind == "case":
        return Q(title__icontains=q) | Q(reference=q.strip().upper())
    if kind == "victim":
        return Q(code=q.strip().upper())
    if kind == "location":
        # The key is the place folded (case, accents, punctuation): "Straße" finds "strasse".
        folded = location_key(address=q).strip("|")
        return Q(key__icontains=folded) if folded else None
    return None


def _search_urls(q: str) -> Q:
    """URLs matching ``q``. A pasted address ("hxxps://site[.]com/ad/7", defanged or not) is looked
    up by its host, which is indexed, then by its path; any other text by substring and in notes."""
    text = refang(q)
    if "." in text and not any(c.isspace() for c in text):
        try:
            url, host = canonical_url(text)
        except InvalidUrl:
            pass
        else:
            bare = host.removeprefix("www.")
            match = Q(host__in=[bare, f"www.{bare}"])
            tail = url.split(host, 1)[1].lstrip(":0123456789")  # the path and query, without a port
            if tail not in ("", "/"):
                match &= Q(url__icontains=tail)
            return match
    return Q(url__icontains=text) | Q(note__icontains=q)


def _narrowed(qs, kind: str, *, filters: Filters, membership: Membership, cursor: Cursor | None):
    """``qs`` narrowed by the filters and the cursor; None when the search cannot match this kind."""
    if filters.team == "mine":
        qs = qs.filter(team=membership.team)
    elif filters.team == "others":
        qs = qs.exclude(team=membership.team)
    elif filters.team:
        qs = qs.filter(team=filters.team)
    if filters.since in _SINCE:
        qs = qs.filter(created_at__gte=timezone.now() - _SINCE[filters.since])
    if filters.platform is not None:
        qs = qs.filter(platform=filters.platform)
    if filters.indicator is not None:
        qs = qs.filter(indicators=filters.indicator)
    if filters.q:
        match = _search(kind, filters.q)
        if match is None:
            return None
        qs = qs.filter(match)
    if cursor is not None:
        qs = qs.filter(cursor.older_than(kind))
    return qs


def _newest(*, user, operation, filters: Filters, membership: Membership, cursor: Cursor | None, count: int):
    """The (time, kind, id) of the ``count`` newest rows the user may see, all kinds merged, in one query.

    The access rule is read in its parts (``visibility_rule_parts``: the user's own team, the cases
    shared with it, the operations they coordinate...), each part of each kind as its own
    newest-first subquery with its own LIMIT. PostgreSQL walks one index per part and stops
    after ``count`` rows; the OR of the parts would make it skip every other team's rows instead.

    On PostgreSQL the query is written out here (``_newest_sql``) unless there is a search: built
    through the ORM, its nine subqueries cost more Python than everything else of the list
    (docs/operations.md, "Where a page's time goes"). Both ways read the same parts of the rule
    and give the same rows; tests/test_workspace_feed_sql.py compares them role by role.
    """
    if not filters.q and connections[KINDS["url"].objects.db].vendor == "postgresql":
        return _newest_sql(user=user, operation=operation, filters=filters, membership=membership, cursor=cursor,
                           count=count)
    return _newest_orm(user=user, operation=operation, filters=filters, membership=membership, cursor=cursor,
                       count=count)


def _newest_orm(*, user, operation, filters: Filters, membership: Membership, cursor: Cursor | None, count: int):
    heads = []
    for kind in filters.kinds():
        for part in KINDS[kind].objects.in_operation(operation).visible_to_in_parts(user):
            part = _narrowed(part, kind, filters=filters, membership=membership, cursor=cursor)
            if part is not None:
                rank = Value(_RANK[kind], output_field=IntegerField())
                heads.append(part.annotate(rank=rank).values_list("created_at", "rank", "pk")
                             .order_by("-created_at", "rank", "-pk")[:count])
    if not heads:
        return []
    if len(heads) == 1:
        newest = list(heads[0])
    elif connections[heads[0].db].features.supports_slicing_ordering_in_compound:
        # UNION, not UNION ALL: a row seen for two reasons is listed once.
        newest = list(heads[0].union(*heads[1:]).order_by("-created_at", "rank", "-pk")[:count])
    else:  # SQLite (the demo) allows no LIMIT inside a UNION: each part alone, merged here in the same order
        rows = {row for head in heads for row in head}
        newest = sorted(rows, key=lambda row: (row[0], -row[1], row[2]), reverse=True)[:count]
    return [(created_at, KIND_OF_RANK[rank], pk) for created_at, rank, pk in newest]


def _newest_sql(*, user, operation, filters: Filters, membership: Membership, cursor: Cursor | None, count: int):
    """``_newest_orm`` without a search, as one written-out UNION (PostgreSQL): the same parts, filters
    and cursor, condition by condition (``_narrowed`` is the ORM's; the cursor's twin sits beside it in ``Cursor``)."""
    heads, params = [], []
    for kind in filters.kinds():
        model = KINDS[kind]
        meta = model._meta
        case_column = meta.pk.column if model.case_path == "pk" else model.case_path
        narrowing, narrowing_params = ["operation_id = %s"], [operation.pk]
        if filters.team == "mine":
            narrowing.append("team = %s")
            narrowing_params.append(membership.team)
        elif filters.team == "others":
            narrowing.append("team <> %s")
            narrowing_params.append(membership.team)
        elif filters.team:
            narrowing.append("team = %s")
            narrowing_params.append(filters.team)
        if filters.since in _SINCE:
            narrowing.append("created_at >= %s")
            narrowing_params.append(timezone.now() - _SINCE[filters.since])
        if filters.platform is not None:
            narrowing.append("platform_id = %s")
            narrowing_params.append(filters.platform.pk)
        if filters.indicator is not None:
            field = meta.get_field("indicators")
            through = field.remote_field.through._meta.db_table
            narrowing.append(f"EXISTS (SELECT 1 FROM {through} WHERE {through}.{field.m2m_column_name()} = "
                             f"{meta.db_table}.{meta.pk.column} AND {through}.{field.m2m_reverse_name()} = %s)")
            narrowing_params.append(filters.indicator.pk)
        if cursor is not None:
            condition, condition_params = cursor.older_than_sql(kind, pk_column=meta.pk.column)
            narrowing.append(condition)
            narrowing_params += condition_params
        for part in visibility_rule_parts(model, user):
            condition, condition_params = part.sql(case_column)
            heads.append(f"(SELECT created_at, {_RANK[kind]} AS rank, {meta.pk.column} AS pk FROM {meta.db_table} "
                         f"WHERE {condition} AND {' AND '.join(narrowing)} "
                         f"ORDER BY created_at DESC, {meta.pk.column} DESC LIMIT %s)")
            params += [*condition_params, *narrowing_params, count]
    if not heads:
        return []
    # UNION, not UNION ALL: a row seen for two reasons is listed once.
    sql = f"SELECT * FROM ({' UNION '.join(heads)}) AS newest ORDER BY 1 DESC, 2 ASC, 3 DESC LIMIT %s"
    with connections[KINDS["url"].objects.db].cursor() as db:
        db.execute(sql, [*params, count])
        return [(created_at, KIND_OF_RANK[rank], pk) for created_at, rank, pk in db.fetchall()]


def _records(kind: str, pks):
    """The records of one kind, by id, with what their table cells show. The ids come from
    ``_newest``, which read them through the access rule."""
    model = KINDS[kind]
    qs = model.objects.filter(pk__in=pks)
    if kind in _WITH_PLATFORM:
        qs = qs.select_related("platform")
    records = {record.pk: record for record in qs}
    if kind in _WITH_INDICATORS:
        # The names, a plain list on each record, from one query over the link table: the list shows
        # them for every row (a prefetch of the indicators cost a millisecond more per page).
        for record in records.values():
            record.indicator_names = []
        own = f"{model._meta.model_name}_id"
        links = model.indicators.through.objects.filter(**{f"{own}__in": pks})
        for record_id, name in links.order_by("indicator__name").values_list(own, "indicator__name"):
            records[record_id].indicator_names.append(name)
    return records


def workspace_feed(*, user, operation, membership: Membership, filters: Filters, cursor: Cursor | None = None,
                   page_size: int = PAGE_SIZE) -> FeedPage:
    """One page of the findings ``user`` may see in ``operation``, newest first, all kinds merged.

    Two steps, each bounded by the page size whatever the size of the operation: which rows come
    next (times and ids only, one query), then those rows themselves (one query per kind shown).
    """
    newest = _newest(user=user, operation=operation, filters=filters, membership=membership, cursor=cursor,
                     count=page_size + 1)
    shown = newest[:page_size]
    wanted = {}
    for _, kind, pk in shown:
        wanted.setdefault(kind, []).append(pk)
    records = {kind: _records(kind, pks) for kind, pks in wanted.items()}
    page = FeedPage(rows=[Row(kind, records[kind][pk]) for _, kind, pk in shown if pk in records[kind]])
    if len(newest) > page_size:  # from the ids read, so a row deleted meanwhile does not end the list early
        page.next_cursor = Cursor(*shown[-1])
    attach_visible_cases(user=user, rows=page.rows)
    return page


def attach_visible_cases(*, user, rows) -> None:
    """Name the case of each row, but only where the user may see that case.

    A URL is shared with the whole operation while its case may not be: the case's reference
    and title must not leak through the URL. One query for the whole page.
    """
    case_ids = {r.record.case_id for r in rows if getattr(r.record, "case_id", None)}
    if not case_ids:
        return
    cases = Case.objects.visible_to(user).filter(pk__in=case_ids).only("pk", "reference", "title", "team")
    by_id = {c.pk: c for c in cases}
    for row in rows:
        row.case = by_id.get(getattr(row.record, "case_id", None))


def linkable_cases(*, user, operation, membership: Membership | None = None, limit: int = 100):
    """The newest open cases a finding can be linked to by this user: those they may change
    (``changeable_by``, rule 5 of the access rule); ``link_to_case`` checks it again on every write.

    ``membership`` is no longer needed: the rule reads the user's memberships itself.
    """
    qs = Case.objects.changeable_by(user).in_operation(operation).exclude(status=Case.Status.CLOSED)
    cases = list(qs.only("pk", "reference", "title", "team").order_by("-created_at")[:limit])
    for case in cases:  # the suggestions' text, cut here once rather than by a filter per option
        case.short_title = case.title if len(case.title) <= 60 else f"{case.title[:59]}…"
    return cases


def operation_teams(operation) -> list[str]:
    """The country teams taking part in the operation (for the team filter)."""
    return sorted(set(Membership.objects.filter(operation=operation).values_list("team", flat=True)))
