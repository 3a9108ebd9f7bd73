"""The platform catalogue from a CSV or XLSX file: name, category, surface, domains.

    name, category, surface, domains
    Telegram, messaging, surface, t.me telegram.org
    Hydra Bazaar, dark-web market, dark, hydrabzr3xq7.onion

Checked whole first (every problem with its line), then all saved or none. A platform is known by its
name (any letter case): its category and surface follow the file, its domains are added to — an import
removes nothing, so importing the same file again changes nothing. Saving goes through the catalogue's
own rules (``platforms.catalogue``).
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower

from operations.access import require_catalogue_editor
from platforms.catalogue import domains_in, platform_save
from platforms.models import Platform, PlatformDomain

from .tables import Problems, choice, messages_of, read_table, text

COLUMNS = {"name": ("platform",), "category": (), "surface": ("web",), "domains": ("domain", "addresses")}
SURFACES = [*Platform.Surface.choices, ("dark", "Dark"), ("surface", "Surface")]


@dataclass
class CatalogueRow:
    line: int
    name: str
    category: str
    surface: str
    domains: list[str]
    platform: Platform | None = None
    state: str = "unchanged"
    new_domains: list[str] = field(default_factory=list)


def catalogue_check(*, user, data: bytes, filename: str = "", format: str = "") -> list[CatalogueRow]:
    """Every row of the file with what it would change (``state``); ImportRejected with every problem."""
    require_catalogue_editor(user)
    rows = read_table(data, filename=filename, columns=COLUMNS, required=("name", "category"), format=format)
    problems, parsed, seen = Problems(), [], {}
    for line, row in rows:
        bad = len(problems.items)
        values = {}
        for name, parse in (
            ("name", lambda v: v if v else _fail("empty: every row names a platform")),
            ("category", lambda v: choice(v, Platform.Category.choices, "category")),
            ("surface", lambda v: choice(v or "surface", SURFACES, "surface (surface or dark)")),
            ("domains", domains_in),
        ):
            try:
                values[name] = parse(text(row, name))
            except (ValueError, ValidationError) as exc:
                problems.add(line, name, messages_of(exc))
        if len(problems.items) > bad:
            continue
        key = values["name"].casefold()
        if key in seen:
            problems.add(line, "name", f"{values['name']} is also on line {seen[key]}: one row per platform")
            continue
        seen[key] = line
        parsed.append(CatalogueRow(line, " ".join(values["name"].split()), values["category"], values["surface"],
                                   values["domains"]))
    problems.raise_any()
    known = {p.name.casefold(): p for p in Platform.objects.annotate(lname=Lower("name"))
             .filter(lname__in=[r.name.casefold() for r in parsed]).prefetch_related("domains")}
    owners = {d.domain: d.platform for d in PlatformDomain.objects.select_related("platform")
              .filter(domain__in=[d for r in parsed for d in r.domains])}
    claimed = {}
    for row in parsed:
        row.platform = known.get(row.name.casefold())
        for domain in row.domains:
            owner = owners.get(domain)
            if owner is not None and (row.platform is None or owner.pk != row.platform.pk):
                problems.add(row.line, "domains", f"{domain} belongs to {owner.name} already")
            elif domain in claimed:
                problems.add(row.line, "domains", f"{domain} is also on line {claimed[domain]}")
            claimed.setdefault(domain, row.line)
        mine = {d.domain for d in row.platform.domains.all()} if row.platform else set()
        row.new_domains = [d for d in row.domains if d not in mine]
        if row.platform is None:
            row.state = "new"
        elif (row.platform.category, row.platform.surface) != (row.category, row.surface) or row.new_domains:
            row.state = "changed"
    problems.raise_any()
    return parsed


def _fail(reason):
    raise ValueError(reason)


def catalogue_import(*, user, data: bytes, filename: str = "", format: str = "") -> list[CatalogueRow]:
    rows = catalogue_check(user=user, data=data, filename=filename, format=format)
    with transaction.atomic():
        for row in rows:
            if row.state == "unchanged":
                continue
            kept = [d.domain for d in row.platform.domains.all()] if row.platform else []
            platform_save(by=user, name=row.platform.name if row.platform else row.name, category=row.category,
                          surface=row.surface, domains=kept + row.new_domains, platform=row.platform,
                          active=row.platform.active if row.platform else True)
    return rows
