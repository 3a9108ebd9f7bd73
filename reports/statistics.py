"""The figures of an operation, Europol style, compiled in SQL aggregates.

``compile_figures(operation)`` returns every figure of DESIGN.md ("Figures") for the whole
operation, per country team and per focus tag, plus the breakdowns the dashboard and the summary
report draw. Figures count EVERY record of the operation — that is their purpose — so nothing
here goes through ``visible_to``; a drill-down from a figure to records must.

Counting rules (each is repeated next to the query that applies it):

* A URL reported by two teams counts once (distinct canonical URL).
* A social account is a platform + handle; two teams logging it count it once.
* A possible victim or suspect merged into another (``duplicate_of``, see findings/duplicates.py)
  counts once with the record kept: ``duplicate_of`` points at the record kept, one level deep.
* A platform counts as monitored once any team planned a check of it, as checked once any team
  finished a check of it, and as "with indications" once any team finished it with indications.
* Persons and usernames checked = social accounts + potential perpetrators, as counted above.
* A location is a place (address or city, country) in canonical form (``identifiers.places``): two
  teams logging the same place, however they spelt it, count it once.
* A phone number is a selector of kind phone (E.164, read out of every finding's fields and notes):
  the same number held by two teams, or noted on five adverts, counts once.
* Entities checked (Europol, 2024) = platforms checked + persons and usernames checked +
  locations + phone numbers; its parts are published beside it (``FIGURE_PARTS``).
* Per-team figures count what that team logged, with the same rules inside the team; they do
  not add up to the operation's total when teams logged the same thing — that is the point.
* Per focus tag: platform figures follow the tags of the platform checks; cases follow their own
  tags; suspects, victims, URLs, accounts and indicators follow the tags of the case they hang
  off (a finding linked to no case falls under no tag).

No per-row Python: every count is an SQL aggregate (``aggregate``, ``values().annotate()``);
Python only merges grouped rows, whose number is bounded by teams x tags x indicators x hours,
never by the number of findings. Runs on PostgreSQL and SQLite alike. On PostgreSQL the compile
reads one repeatable-read snapshot, shared with a second connection that counts the distinct URLs
and accounts at the same time (1,000,000 findings: about 1.1 s; benchmarks/figures.py).
"""

from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor

from django.db import connection, transaction
from django.db.models import CharField, Count, F, Q, Sum, Value
from django.db.models.functions import Cast, Coalesce, Collate, Concat, NullIf, TruncHour

from findings.models import Case, DetectedUrl, Indicator, Location, PossibleVictim, Selector, SocialAccount, Suspect
from operations.countries import EU_BODIES
from operations.models import FocusTag, Operation, Participation
from platforms.models import Platform, PlatformCheck

from .models import StatisticsSnapshot
from .press import (  # noqa: F401 - the figures' words live there; imported from here too
    DEFAULT_HEADLINE,
    FIGURE_PARTS,
    FIGURES,
    FIGURES_SINGULAR,
    headline_keys,
    press_label,
    press_line,
    press_number,
    press_parts,
)

SCHEMA = 2

# Per country team: every figure but "countries" (a team is one country), plus the progress of
# its platform checks by state.
CHECK_STATES = ["checks_planned", "checks_in_progress", "checks_clean", "checks_with_indications"]
TEAM_FIGURES = [key for key in FIGURES if key != "countries"] + CHECK_STATES
# Per focus tag: participation is not tagged.
TAG_FIGURES = [key for key in FIGURES if key not in ("countries", "agencies", "experts")]


# Memory for the sorts and hashes of one compile (PostgreSQL): DISTINCT over a million URLs sorts
# in memory instead of spilling to disk. Applies to the compile's own transaction only.
WORK_MEM = "64MB"


def compile_figures(operation: Operation) -> dict:
    """Every figure of the operation; a JSON-serialisable dict (see the module docstring).

    An operation whose personal data the retention job erased has nothing left to count: its
    figures are those of the snapshot stored just before the erasure (retention/services.py).
    """
    if operation.erased_at is not None:
        return frozen_figures(operation)
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        # SQLite: no transaction of our own (the project opens them IMMEDIATE, which would hold the
        # write lock while counting). Inside a caller's transaction: its snapshot and settings.
        tags = _tags(operation)
        return _assemble(operation, tags, [section(operation, tags) for section in SECTIONS + DISTINCT_TEXT])
    with transaction.atomic(), connection.cursor() as cursor:
        _begin(cursor)
        tags = _tags(operation)
        # The two sections that sort text run on a second connection, in the same snapshot
        # (exported, as pg_dump does for its parallel jobs): the figures agree with each other,
        # and a two-core database server counts in about half the time.
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        with ThreadPoolExecutor(max_workers=1) as pool:
            beside = pool.submit(_in_snapshot, snapshot, operation, tags, DISTINCT_TEXT)
            parts = [section(operation, tags) for section in SECTIONS]
            parts += beside.result()
        return _assemble(operation, tags, parts)


def frozen_figures(operation: Operation) -> dict:
    """The figures of an erased operation: its newest snapshot (the one stored before the erasure)."""

    snapshot = StatisticsSnapshot.objects.filter(operation=operation).order_by("-computed_at", "-pk").first()
    if snapshot is None:  # erased before any figure was kept: should not happen (the erasure stores one first)
        raise LookupError(f"Operation {operation.code} was erased but has no stored figures.")
    return snapshot.figures


def _tags(operation) -> dict[int, str]:
    return dict(FocusTag.objects.filter(operation=operation).values_list("id", "name"))


def _begin(cursor, snapshot: str | None = None) -> None:
    # Repeatable read: every query of the compile sees the same data, so that the totals, teams and
    # tags agree with each other while analysts keep logging.
    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
    if snapshot:
        cursor.execute("SET TRANSACTION SNAPSHOT %s", [snapshot])
    cursor.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")


def _in_snapshot(snapshot: str, operation, tags, sections) -> list[dict]:
    """Run ``sections`` on this thread's own connection, in the exported snapshot."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            _begin(cursor, snapshot)
            return [section(operation, tags) for section in sections]
    finally:
        connection.close()


def _assemble(operation: Operation, tags: dict, parts: list[dict]) -> dict:
    totals: dict[str, int] = {}
    per_team: dict[str, dict[str, int]] = defaultdict(dict)
    per_tag: dict[int, dict[str, int]] = defaultdict(dict)
    breakdowns: dict = {}
    timeline: list = []
    for part in parts:
        timeline += part.get("timeline", [])
        totals.update(part.get("totals", {}))
        for team, row in part.get("per_team", {}).items():
            per_team[team].update(row)
        for tag, row in part.get("per_tag", {}).items():
            per_tag[tag].update(row)
        breakdowns.update(part.get("breakdowns", {}))
    # Persons and usernames checked = the accounts (platform + handle) plus the potential
    # perpetrators (merged duplicates once), each already counted without double counting. Victims
    # are not in it: they are known by pseudonymous codes, not by a name or username checked.
    for row in (totals, *per_team.values(), *per_tag.values()):
        row["persons_checked"] = row.get("social_accounts", 0) + row.get("perpetrators", 0)
        # Entities checked (Europol's 2024 figure): each part already counted without double counting.
        row["entities_checked"] = sum(int(row.get(part) or 0) for part in FIGURE_PARTS["entities_checked"])

    return {
        "schema": SCHEMA,
        "operation": operation.code,
        "totals": {key: int(totals.get(key) or 0) for key in FIGURES},
        "per_team": {
            team: {key: int(per_team[team].get(key) or 0) for key in TEAM_FIGURES}
            for team in sorted(per_team) if team
        },
        "per_focus_tag": {
            name: {key: int(per_tag[tag_id].get(key) or 0) for key in TAG_FIGURES}
            for tag_id, name in sorted(tags.items(), key=lambda item: item[1])
        },
        "breakdowns": breakdowns,
        "timeline": timeline,
    }


# --- helpers -----------------------------------------------------------------------------------


def _count(expression, *, distinct: bool = False, where: Q | None = None):
    """A Count to be made for a group: called with the group's extra condition (or None)."""

    def make(extra: Q | None = None) -> Count:
        condition = extra if where is None else where if extra is None else where & extra
        return Count(expression, distinct=distinct, filter=condition)

    return make


def _grouped(queryset, field, counts: dict) -> dict:
    """{group value: {name: count}} — one GROUP BY query; rows outside any group are left out."""
    if "__" in field:  # through a relation: an inner join drops the rows with no group early
        queryset = queryset.filter(**{f"{field}__isnull": False})
    aggregates = {name: make() for name, make in counts.items()}
    rows = queryset.values(_group=F(field)).annotate(**aggregates).order_by()
    return {row.pop("_group"): row for row in rows if row["_group"] is not None}


def _three_ways(queryset, counts: dict, *, tags: dict, tagged, team_counts: dict | None = None) -> dict:
    """The same counts over the whole operation, per country team and per focus tag.

    Totals and focus tags come from ONE pass over the table: each tag adds its own filtered
    aggregates (``tagged(tag_id)`` is the Q of the rows under that tag), which avoids joining
    every finding to every tag of its case. Teams come from one GROUP BY; ``team_counts``
    replaces the counts there where a unique constraint makes a cheaper count exact.
    """
    aggregates = {name: make() for name, make in counts.items()}
    for tag in tags:
        aggregates |= {f"{name}@{tag}": make(tagged(tag)) for name, make in counts.items()}
    values = queryset.aggregate(**aggregates)
    return {
        "totals": {name: values[name] for name in counts},
        "per_tag": {tag: {name: values[f"{name}@{tag}"] for name in counts} for tag in tags},
        "per_team": _grouped(queryset, "team", team_counts or counts),
    }


def _bytewise(expression):
    """Text compared byte by byte for DISTINCT: exact for stored canonical forms, and on PostgreSQL
    much faster to sort than the database's locale (SQLite compares bytes already)."""
    return Collate(expression, "C") if connection.vendor == "postgresql" else expression


CaseTag = Case.focus_tags.through
CheckTag = PlatformCheck.focus_tags.through


def _case_tagged(field: str):
    """Rows whose case (``field``: "pk" for cases, "case_id" for what hangs off one) has the tag."""
    return lambda tag: Q(**{f"{field}__in": CaseTag.objects.filter(focustag_id=tag).values("case_id")})


def _check_tagged(tag) -> Q:
    return Q(pk__in=CheckTag.objects.filter(focustag_id=tag).values("platformcheck_id"))


# --- participation -----------------------------------------------------------------------------


def _participation(operation, tags) -> dict:
    participations = Participation.objects.filter(operation=operation)
    aggregates = {"agencies": Count("id"), "experts": Coalesce(Sum("experts"), 0)}
    totals = participations.aggregate(
        # A country is counted once however many of its agencies take part; EU bodies (no
        # country) are agencies but not countries.
        countries=Count("agency__country", distinct=True, filter=~Q(agency__country="")),
        **aggregates,
    )
    # Participations belong to agencies, agencies to countries: the country of the agency is its
    # team; EU bodies work as team "EU".
    team = Coalesce(NullIf("agency__country", Value("")), Value(EU_BODIES))
    rows = participations.values(_team=team).annotate(**aggregates).order_by()
    return {"totals": totals, "per_team": {row.pop("_team"): row for row in rows}}


# --- platforms ---------------------------------------------------------------------------------

CHECKED = Q(status=PlatformCheck.Status.CHECKED)
WITH_INDICATIONS = CHECKED & Q(with_indications=True)
DARK_WEB = Q(platform__surface=Platform.Surface.DARK)


def _platform_counts(*, dark_web: bool = True) -> dict:
    # A platform counts once however many teams checked it: distinct platform_id. Monitored = any
    # check planned; checked = some team finished; with indications = some team finished with them.
    counts = {
        "platforms_monitored": _count("platform", distinct=True),
        "platforms_checked": _count("platform", distinct=True, where=CHECKED),
        "platforms_with_indications": _count("platform", distinct=True, where=WITH_INDICATIONS),
    }
    if dark_web:
        counts["dark_web_platforms_checked"] = _count("platform", distinct=True, where=CHECKED & DARK_WEB)
    return counts


# Progress counts checks (one team's monitoring of one platform), not platforms.
CHECK_STATE_COUNTS = {
    "checks_planned": _count("id", where=Q(status=PlatformCheck.Status.PLANNED)),
    "checks_in_progress": _count("id", where=Q(status=PlatformCheck.Status.IN_PROGRESS)),
    "checks_clean": _count("id", where=CHECKED & Q(with_indications=False)),
    "checks_with_indications": _count("id", where=WITH_INDICATIONS),
}


def _platforms(operation, tags) -> dict:
    checks = PlatformCheck.objects.filter(operation=operation)
    # Per tag: the tags are on the checks; a platform counts once per tag.
    part = _three_ways(checks, _platform_counts(), tags=tags, tagged=_check_tagged)
    states = _grouped(checks, "team", CHECK_STATE_COUNTS)
    for team, row in states.items():
        part["per_team"].setdefault(team, {}).update(row)
    by_state = {key.removeprefix("checks_"): sum(row[key] for row in states.values()) for key in CHECK_STATES}
    part["breakdowns"] = {
        "platforms_by_category": _grouped(checks, "platform__category", _platform_counts(dark_web=False)),
        "platforms_by_surface": _grouped(checks, "platform__surface", _platform_counts(dark_web=False)),
        "checks_by_state": by_state,
    }
    return part


# --- URLs and accounts -------------------------------------------------------------------------


def _urls(operation, tags) -> dict:
    # URLs are stored canonical, once per team: a URL reported by two teams counts once. Inside one
    # team the unique constraint (operation, team, url) already makes every row a distinct URL.
    return _three_ways(
        DetectedUrl.objects.filter(operation=operation),
        {"urls": _count(_bytewise(F("url")), distinct=True)},
        team_counts={"urls": _count("id")},
        tags=tags,
        tagged=_case_tagged("case_id"),
    )


def _accounts(operation, tags) -> dict:
    # A social account is a platform + handle (handles are stored normalised): two teams logging
    # it count it once; inside one team, the unique constraint makes every row a distinct account.
    key = Concat(Cast("platform_id", CharField()), Value(":"), "handle", output_field=CharField())
    return _three_ways(
        SocialAccount.objects.filter(operation=operation),
        {"social_accounts": _count(_bytewise(key), distinct=True)},
        team_counts={"social_accounts": _count("id")},
        tags=tags,
        tagged=_case_tagged("case_id"),
    )


def _locations(operation, tags) -> dict:
    # A place counts once however many teams logged it, however spelt: distinct canonical key. Inside
    # one team the unique constraint (operation, team, key) makes every row a distinct place.
    return _three_ways(
        Location.objects.filter(operation=operation),
        {"locations": _count(_bytewise(F("key")), distinct=True)},
        team_counts={"locations": _count("id")},
        tags=tags,
        tagged=_case_tagged("case_id"),
    )


def _phone_numbers(operation, tags) -> dict:
    # Phone numbers are the selectors of kind phone, in E.164: one number noted on several findings,
    # or by several teams, counts once (distinct value, also inside a team).
    return _three_ways(
        Selector.objects.filter(operation=operation, kind=Selector.Kind.PHONE),
        {"phone_numbers": _count(_bytewise(F("value")), distinct=True)},
        tags=tags,
        tagged=_case_tagged("case_id"),
    )


# --- people ------------------------------------------------------------------------------------

# A merged group counts once: its key is the record kept (duplicate_of) or the record itself.
PERSON = Coalesce("duplicate_of_id", "id")


def _victims(operation, tags) -> dict:
    victims = PossibleVictim.objects.filter(operation=operation)
    part = _three_ways(
        victims,
        {
            "victims": _count(PERSON, distinct=True),
            # A group is a minor when any of its records says so (one team may know the age).
            "minor_victims": _count(PERSON, distinct=True, where=Q(is_minor=True)),
        },
        tags=tags,
        tagged=_case_tagged("case_id"),
    )
    # By nationality: the record kept speaks for its group, so the rows add up to the total.
    kept = victims.filter(duplicate_of__isnull=True)
    by_nationality = kept.values("nationality").annotate(n=Count("id")).order_by("-n", "nationality")
    part["breakdowns"] = {
        "victims_by_nationality": {row["nationality"] or "unknown": row["n"] for row in by_nationality}
    }
    return part


def _perpetrators(operation, tags) -> dict:
    # Suspects are merged like victims: a group counts once, keyed by the record kept.
    return _three_ways(
        Suspect.objects.filter(operation=operation),
        {"perpetrators": _count(PERSON, distinct=True)},
        tags=tags,
        tagged=_case_tagged("case_id"),
    )


def _cases(operation, tags) -> dict:
    return _three_ways(
        Case.objects.filter(operation=operation),
        {
            "cases": _count("id"),
            # "Referred" = was handed to an authority: referred_to is set by the referral and
            # kept through investigation opened and closed; a lead closed unreferred has none.
            "cases_referred": _count("id", where=~Q(referred_to="")),
            # Investigations opened = cases that had one opened, closed since or not
            # (investigation_opened_at is set by the move and kept).
            "investigations_opened": _count("id", where=Q(investigation_opened_at__isnull=False)),
        },
        tags=tags,
        tagged=_case_tagged("pk"),
    )


# --- indicators --------------------------------------------------------------------------------


def _indicators(operation, tags) -> dict:
    """Indicators observed on cases and URLs: distinct indicators, and how often each was seen."""
    on_cases = Case.indicators.through.objects.filter(case__operation=operation)
    on_urls = DetectedUrl.indicators.through.objects.filter(detectedurl__operation=operation)
    # Per indicator: the cases it was noted on, and the URLs (a URL counts once across teams).
    case_counts = dict(on_cases.values_list("indicator_id").annotate(n=Count("case_id")).order_by())
    distinct_urls = Count(_bytewise(F("detectedurl__url")), distinct=True)
    url_counts = dict(on_urls.values_list("indicator_id").annotate(n=distinct_urls).order_by())
    observed = Indicator.objects.filter(pk__in=set(case_counts) | set(url_counts)).order_by("name")
    per_indicator = [
        {"code": code, "name": name, "cases": case_counts.get(pk, 0), "urls": url_counts.get(pk, 0)}
        for pk, code, name in observed.values_list("pk", "code", "name")
    ]
    per_indicator.sort(key=lambda row: -(row["cases"] + row["urls"]))

    # Distinct (team, focus tag, indicator) triples from cases and URLs, deduplicated by one SQL
    # UNION; Python only counts them per team and per tag (at most teams x tags x indicators rows).
    triples = on_cases.values_list("case__team", "case__focus_tags", "indicator_id").union(
        on_urls.values_list("detectedurl__team", "detectedurl__case__focus_tags", "indicator_id")
    )
    team_pairs, tag_pairs = set(), set()
    for team, tag, indicator in triples:
        team_pairs.add((team, indicator))
        if tag is not None:
            tag_pairs.add((tag, indicator))
    per_team = Counter(team for team, _ in team_pairs)
    per_tag = Counter(tag for tag, _ in tag_pairs)
    return {
        "totals": {"indicators": len(per_indicator)},
        "per_team": {team: {"indicators": n} for team, n in per_team.items()},
        "per_tag": {tag: {"indicators": n} for tag, n in per_tag.items()},
        "breakdowns": {"indicators": per_indicator},
    }


# --- timeline ----------------------------------------------------------------------------------

TIMELINE_MODELS = [Case, Suspect, PossibleVictim, DetectedUrl, SocialAccount, Location]


def _timeline(operation, tags) -> dict:
    """Findings logged per hour (cases, suspects, victims, URLs, accounts, locations), oldest first."""
    per_hour: Counter = Counter()
    for model in TIMELINE_MODELS:
        rows = (
            model.objects.filter(operation=operation)
            .values_list(TruncHour("created_at"))
            .annotate(n=Count("id"))
            .order_by()
        )
        per_hour.update(dict(rows))
    return {"timeline": [{"hour": hour.isoformat(), "findings": n} for hour, n in sorted(per_hour.items())]}


# Sections, each a few aggregate queries. DISTINCT_TEXT (distinct URLs and accounts sort text, the
# costliest part) runs beside the others on PostgreSQL.
SECTIONS = [_participation, _platforms, _victims, _perpetrators, _cases, _indicators, _timeline, _phone_numbers]
DISTINCT_TEXT = [_urls, _accounts, _locations]
