"""Hit badges for templates.

    {% load hits %}
    {% hit_badge finding %}          → "2 hits" (a link to the hits) on a finding with hits, else nothing
    {% hits_nav_link operation %}    → the "Hits" link of the operation nav, with the unanswered count

The counts come from one query per request (cached on the request), whatever the number of
badges on the page, and only hits the user may see are counted.
"""

from collections import Counter

from django import template
from django.urls import reverse
from django.utils.html import format_html

from findings.matching import finding_type
from findings.models import Hit
from operations.access import is_coordinator, membership_in
from operations.models import Membership

register = template.Library()

_SIDES = ("case", "suspect", "victim", "url", "account")


def _badge_counts(request) -> Counter:
    counts = getattr(request, "_hit_badge_counts", None)
    if counts is None:
        counts = Counter()
        fields = [f"selector_{side}__{name}_id" for side in ("a", "b") for name in _SIDES]
        for row in Hit.objects.visible_to(request.user).values_list(*fields):
            keys = set()
            for side in (row[:5], row[5:]):
                keys.update((name, pk) for name, pk in zip(_SIDES, side, strict=True) if pk)
            counts.update(keys)
        request._hit_badge_counts = counts
    return counts


@register.simple_tag(takes_context=True)
def hit_badge(context, finding):
    """A badge on a finding (of a case: counting what hangs off it) that has hits the user may see."""
    request = context.get("request")
    if request is None or finding is None or not request.user.is_authenticated:
        return ""
    name = finding_type(finding)
    count = _badge_counts(request)[(name, finding.pk)]
    if not count:
        return ""
    operation = finding.operation
    page = "hits:board" if is_coordinator(request.user, operation) else "hits:inbox"
    url = reverse(page, args=[operation.code]) + f"?status=all&finding={name}:{finding.pk}"
    label = f"{count} cross-border hit{'s' if count != 1 else ''}"
    return format_html('<a class="hit-badge" href="{}" title="{}">{} hit{}</a>', url, label, count,
                       "s" if count != 1 else "")


@register.simple_tag(takes_context=True)
def hits_nav_link(context, operation):
    """The "Hits" link of the operation's navigation, with the number of hits the user's team has
    still to answer; nothing for prosecutors, who see no hits."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return ""
    membership = membership_in(request.user, operation)
    if membership is None or membership.role == Membership.Role.PROSECUTOR:
        return ""
    count = Hit.objects.visible_to(request.user).in_operation(operation).awaiting_answer_from(membership.team).count()
    url = reverse("hits:inbox", args=[operation.code])
    if not count:
        return format_html('<a href="{}">Hits</a>', url)
    return format_html('<a href="{}">Hits <span class="hit-count" title="awaiting your team\'s answer">{}</span></a>',
                       url, count)
