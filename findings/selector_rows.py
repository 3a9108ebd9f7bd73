"""The Selector rows of each finding: the identifiers it carries, kept in line with it.

``selectors_refresh`` runs inside the service that saved the finding (it is a few regular
expressions and no outside call), so the pending work is in the database the moment the
finding is: a ``Selector`` row with ``matched_at`` still empty. The matching job of the hits app
(``hits.match_selectors``, sent by name after the commit) compares it with every other team's,
and a periodic sweep matches whatever a lost enqueue left behind.
"""

from django.db import transaction
from django.utils.text import slugify

from identifiers.canonical import platform_host_candidates
from identifiers.extraction import (
    MAX_VALUE_LENGTH,
    SOCIAL_HOSTS,
    URL_HOST,
    Found,
    handle_selector,
    phone_region,
    selectors_in_text,
    url_selectors,
)
from identifiers.places import LOCATION, location_selector_value
from jobs import enqueue_on_commit
from platforms.models import PlatformDomain

from .models import Case, DetectedUrl, Location, PossibleVictim, Selector, SocialAccount, Suspect

# The finding types that carry selectors, by the name of their foreign key on Selector.
FINDING_TYPES = {
    "case": Case, "suspect": Suspect, "victim": PossibleVictim, "url": DetectedUrl, "account": SocialAccount,
    "location": Location,
}
# The foreign keys of Selector to what hangs off a case (a selector with none of them is the case's own).
SIDE_TYPES = tuple(name for name in FINDING_TYPES if name != "case")
_TYPE_OF = {model: name for name, model in FINDING_TYPES.items()}


def finding_type(finding) -> str:
    """The short name of a finding's type ("case", "suspect", ...), as the matching job takes it."""
    return _TYPE_OF[type(finding)]


def platform_key(platform) -> str:
    """The key of a catalogue platform in handle selectors: "telegram" for Telegram (by its domains,
    so that an account logged on it meets a t.me link), else the slug of its name."""
    for domain in platform.domains.values_list("domain", flat=True):
        if domain in SOCIAL_HOSTS:
            return SOCIAL_HOSTS[domain]
    return slugify(platform.name)


def _texts(finding) -> list[str]:
    if isinstance(finding, Case):
        return [finding.title, finding.summary]
    if isinstance(finding, Suspect):
        return [finding.alias, finding.notes]
    if isinstance(finding, PossibleVictim):
        return [finding.notes]
    if isinstance(finding, (DetectedUrl, Location)):
        return [finding.note]
    return [finding.display_name, finding.note]  # SocialAccount


def selectors_carried(finding, *, platform: str = "") -> set[Found]:
    """Every selector a finding carries in its fields and free text, catalogue hosts included.

    Pure (no database): ``platform`` is the key of a social account's platform (``platform_key``),
    which the caller looks up once per platform.
    """
    region = phone_region(finding.team)
    found: set[Found] = set()
    for text in _texts(finding):
        found |= selectors_in_text(text, region=region)
    if isinstance(finding, DetectedUrl):
        found |= url_selectors(finding.url)
    elif isinstance(finding, SocialAccount):
        selector = handle_selector(platform, finding.handle)
        if selector:
            found.add(selector)
    elif isinstance(finding, Location):
        value = location_selector_value(finding.key)
        if value:
            found.add(Found(LOCATION, value[:MAX_VALUE_LENGTH]))
    return found


# Up to this many candidate domains are looked up by name; beyond, the catalogue (a few hundred
# domains) is read whole, rather than sending a list longer than SQLite takes in one query.
_LOOKUP_BY_NAME = 500


def without_catalogue_hosts(found_sets: list[set[Found]]) -> list[set[Found]]:
    """Drop the URL hosts of catalogue platforms (and their subdomains): a platform in the
    catalogue is monitored by every team, so its host is no lead. One query for all the sets."""
    candidates = {
        f.value: platform_host_candidates(f.value) or [f.value]
        for found in found_sets for f in found if f.kind == URL_HOST
    }
    if not candidates:
        return found_sets
    names = {name for names in candidates.values() for name in names}
    domains = PlatformDomain.objects.values_list("domain", flat=True)
    if len(names) <= _LOOKUP_BY_NAME:
        domains = domains.filter(domain__in=names)
    catalogue = set(domains)
    dropped = {Found(URL_HOST, host) for host, names in candidates.items() if catalogue.intersection(names)}
    return [found - dropped for found in found_sets]


def selectors_wanted_many(findings) -> list[set[Found]]:
    """``selectors_wanted`` of each finding, with one catalogue lookup for all of them and one
    platform lookup per platform (a 10,000-row import is not 10,000 queries)."""
    keys: dict[int, str] = {}
    carried = []
    for finding in findings:
        key = ""
        if isinstance(finding, SocialAccount):
            if finding.platform_id not in keys:
                keys[finding.platform_id] = platform_key(finding.platform)
            key = keys[finding.platform_id]
        carried.append(selectors_carried(finding, platform=key))
    return without_catalogue_hosts(carried)


def selectors_wanted(finding) -> set[Found]:
    """Every selector a finding carries, from its fields and its free text, that can be a lead."""
    return selectors_wanted_many([finding])[0]


def _case_id(finding):
    return finding.pk if isinstance(finding, Case) else finding.case_id


def selectors_of(finding):
    """The Selector rows of one finding (a case's own, not those of what hangs off it)."""
    name = finding_type(finding)
    if name == "case":
        return Selector.objects.filter(case=finding, **{name: None for name in SIDE_TYPES})
    return Selector.objects.filter(**{name: finding})


def selectors_refresh(*, finding) -> list[int]:
    """Bring the finding's Selector rows in line with what it carries now; return the new rows' ids.

    Unchanged selectors keep their row (and so their hits); selectors the finding no longer
    carries are deleted with their hits; new ones are stored unmatched.
    """
    wanted = selectors_wanted(finding)
    name = finding_type(finding)
    case_id = _case_id(finding)
    with transaction.atomic():
        rows = selectors_of(finding).values_list("pk", "kind", "value")
        existing = {Found(kind, value): pk for pk, kind, value in rows}
        stale = [pk for found, pk in existing.items() if found not in wanted]
        if stale:
            Selector.objects.filter(pk__in=stale).delete()
        kept = [pk for found, pk in existing.items() if found in wanted]
        if kept and name != "case":
            # The finding may have moved to another case: its selectors follow (visibility goes by case).
            Selector.objects.filter(pk__in=kept).exclude(case_id=case_id).update(case_id=case_id)
        links = {"case_id": case_id} if name == "case" else {"case_id": case_id, f"{name}_id": finding.pk}
        new = Selector.objects.bulk_create(
            Selector(
                operation_id=finding.operation_id,
                team=finding.team,
                created_by_id=finding.created_by_id,
                kind=found.kind,
                value=found.value,
                **links,
            )
            for found in sorted(wanted - existing.keys())
        )
    return [selector.pk for selector in new]


def selectors_refresh_later(finding) -> None:
    """Called by the services at the end of their transaction: store the finding's selectors now,
    match them in the background once the transaction commits."""
    if selectors_refresh(finding=finding) or selectors_of(finding).filter(matched_at=None).exists():
        enqueue_on_commit("hits.match_selectors", finding_type(finding), finding.pk)


def selectors_refresh_later_many(findings) -> None:
    """For bulk imports: store the selectors of many new findings now, and match them all in one
    job once the transaction commits (the sweep's task, which takes every unmatched selector)."""
    if sum(len(selectors_refresh(finding=finding)) for finding in findings):
        enqueue_on_commit("hits.match_selectors_sweep")


def selectors_store_new(findings) -> None:
    """For findings just created in bulk (an import), which have no selectors yet: store what
    ``selectors_wanted_many`` finds with one insert, and match it all in one job after the commit."""
    rows = []
    for finding, wanted in zip(findings, selectors_wanted_many(findings), strict=True):
        links = {"case_id": _case_id(finding), f"{finding_type(finding)}_id": finding.pk}
        rows += [
            Selector(operation_id=finding.operation_id, team=finding.team, created_by_id=finding.created_by_id,
                     kind=found.kind, value=found.value, **links)
            for found in sorted(wanted)
        ]
    if rows:
        Selector.objects.bulk_create(rows, batch_size=1000)
        enqueue_on_commit("hits.match_selectors_sweep")
