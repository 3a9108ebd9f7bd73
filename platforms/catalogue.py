"""The platform catalogue, edited on the set-up pages and through the API: a platform's name, category,
surface or dark web, and the domains or onion addresses by which URLs are matched to it.

Who may: ``operations.access.may_edit_catalogue`` (administrators, an operation's lead coordinator).
Nothing is deleted — checks, URLs and accounts point at platforms; a platform no longer monitored is
made inactive, and a domain moves only when its platform says so.
"""

from django.core.exceptions import ValidationError
from django.db import transaction

import audit
from identifiers.canonical import InvalidUrl, canonical_url
from operations.access import require_catalogue_editor

from .models import Platform, PlatformDomain


def canonical_domain(text: str) -> str:
    """A domain or onion address as the catalogue stores it: lower case, IDNA, no scheme, path or "www."."""
    try:
        _, host = canonical_url(text.strip())
    except InvalidUrl as exc:
        raise ValidationError(f"“{text.strip()}” is not a domain or onion address: {exc}.") from None
    return host.removeprefix("www.")


def domains_in(text_or_list) -> list[str]:
    """The domains of a cell or a form field: separated by spaces, commas, semicolons or new lines."""
    items = text_or_list if isinstance(text_or_list, list | tuple) else str(text_or_list or "").replace(
        ",", " ").replace(";", " ").split()
    found = []
    for item in items:
        domain = canonical_domain(str(item))
        if domain not in found:
            found.append(domain)
    return found


def platform_save(*, by, name: str, category: str, surface: str, domains, active: bool = True,
                  platform: Platform | None = None) -> Platform:
    """Create a platform, or change one. ``domains`` are added (a domain of another platform is refused);
    when changing, the platform's domains not in the list are removed."""
    require_catalogue_editor(by)
    domains = domains_in(domains)
    name = " ".join(name.split())
    with transaction.atomic():
        record = Platform.objects.select_for_update().get(pk=platform.pk) if platform else Platform()
        before = (record.name, record.category, record.surface, record.active) if platform else None
        record.name, record.category, record.surface, record.active = name, category, surface, active
        record.full_clean()
        owned = PlatformDomain.objects.filter(domain__in=domains).exclude(platform=record.pk).select_related(
            "platform").first() if domains else None
        if owned is not None:
            raise ValidationError({"domains": f"{owned.domain} belongs to {owned.platform.name} already."})
        record.save()
        known = set(record.domains.values_list("domain", flat=True)) if platform else set()
        PlatformDomain.objects.bulk_create(PlatformDomain(platform=record, domain=d) for d in domains if d not in known)
        removed = known - set(domains)
        if removed:
            record.domains.filter(domain__in=removed).delete()
        changed = platform is None or before != (name, category, surface, active) or removed or set(domains) - known
        if changed:
            audit.record(actor=by, action="alter", obj=record,
                         summary=f"catalogue: platform {'added' if platform is None else 'changed'}")
    return record
