"""Hit badges: how many hits the user may see hang off a finding, and the "Hits" link of the nav.

However many badges a page shows, and with the nav link, the counts cost one query over the
operation's hits the user may see (and the user's memberships, which the access rule reads once
per request anyway), run once per request and operation and kept on the request. Only hits the
user may see are counted. Both template engines call these (``{% hit_badge %}`` in Django
templates, ``hit_badge(request, finding)`` in the Jinja2 findings list).
"""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import BooleanField, ExpressionWrapper
from django.urls import reverse
from django.utils.html import format_html

from findings.models import Hit, Selector, awaiting_answer
from findings.selector_rows import FINDING_TYPES, finding_type
from operations.access import membership_in
from operations.models import Membership

_SIDES = tuple(FINDING_TYPES)


@dataclass
class _Badges:
    """What one request shows of one operation's hits: the count per finding, where a badge links
    to, and how many hits the user's team has still to answer (the nav link)."""

    counts: Counter = field(default_factory=Counter)
    page: str = ""
    awaiting: int = 0


def _badges(request, operation_id) -> _Badges:
    """Read once per request and operation: one query over the hits the user may see."""
    cache = request.__dict__.setdefault("_hit_badges", {})
    if operation_id in cache:
        return cache[operation_id]
    badges = cache[operation_id] = _Badges()
    membership = membership_in(request.user, operation_id)
    if membership is None or membership.role == Membership.Role.PROSECUTOR:
        return badges  # prosecutors see no hits
    page = "hits:board" if membership.role == Membership.Role.COORDINATOR else "hits:inbox"
    badges.page = reverse(page, args=[membership.operation.code])
    # A finding's selectors carry its operation, so its hits involve that operation on one side.
    hits = list(Hit.objects.visible_to(request.user).in_operation(operation_id).annotate(
        awaiting=ExpressionWrapper(awaiting_answer(membership.team), output_field=BooleanField())
    ).values_list("selector_a_id", "selector_b_id", "awaiting"))
    if not hits:  # most pages of most operations: no second query
        return badges
    # The findings of both sides, in a second query only when there are hits: joined into the first,
    # the twelve columns cost every page a few milliseconds of query building.
    findings_of = {pk: {(name, finding) for name, finding in zip(_SIDES, ids, strict=True) if finding}
                   for pk, *ids in Selector.objects.filter(pk__in={s for a, b, _ in hits for s in (a, b)})
                   .values_list("pk", *(f"{name}_id" for name in _SIDES))}
    for selector_a, selector_b, awaiting in hits:
        # A hit counts once per finding, even when both of its sides hang off one case.
        badges.counts.update(findings_of.get(selector_a, set()) | findings_of.get(selector_b, set()))
        badges.awaiting += bool(awaiting)
    return badges


def hit_badge(request, finding):
    """A badge on a finding (of a case: counting what hangs off it) that has hits the user may see."""
    if request is None or finding is None or not request.user.is_authenticated:
        return ""
    badges = _badges(request, finding.operation_id)
    name = finding_type(finding)
    count = badges.counts[(name, finding.pk)]
    if not count:
        return ""
    url = f"{badges.page}?status=all&finding={name}:{finding.pk}"
    plural = "s" if count != 1 else ""
    return format_html('<a class="hit-badge" href="{}" title="{} cross-border hit{}">{} hit{}</a>',
                       url, count, plural, count, plural)


def hits_nav_link(request, operation):
    """The "Hits" link of the operation's navigation, with the number of hits the user's team has
    still to answer; nothing for prosecutors, who see no hits."""
    if request is None or not request.user.is_authenticated:
        return ""
    badges = _badges(request, operation.pk)
    if not badges.page:
        return ""
    url = reverse("hits:inbox", args=[operation.code])
    if not badges.awaiting:
        return format_html('<a href="{}">Hits</a>', url)
    return format_html('<a href="{}">Hits <span class="hit-count" title="awaiting your team\'s answer">{}</span></a>',
                       url, badges.awaiting)
