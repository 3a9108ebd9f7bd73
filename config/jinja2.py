"""The Jinja2 environment, for the few templates rendered on every request in bulk (the workspace's
findings list): Jinja2 renders the same rows at a fraction of the Django template engine's cost
(docs/operations.md, "Where a page's time goes"). Everything else stays a Django template.

It offers what those templates use and nothing more: ``url()``, the findings' display filters, the
hit badge, and times as the Django templates print them. Autoescaping is on, as in Django's.
"""

from django.urls import reverse
from django.utils import timezone
from jinja2 import Environment

from findings.templatetags.findings_tags import defang, kind_label, kind_noun
from hits.badges import hit_badge


def short_time(value) -> str:
    """``{{ value|date:"j M H:i" }}`` in the Django templates: "7 Dec 14:05", in the site's time zone."""
    local = timezone.localtime(value)
    return f"{local.day} {local:%b %H:%M}"


def short_day(value) -> str:
    """``{{ value|date:"j M" }}``: "7 Dec"."""
    local = timezone.localtime(value)
    return f"{local.day} {local:%b}"


def clock(value) -> str:
    """``{{ value|date:"H:i" }}``: "14:05"."""
    return f"{timezone.localtime(value):%H:%M}"


def iso_time(value) -> str:
    """``{{ value|date:"c" }}``: the time for a ``<time datetime>`` attribute."""
    return timezone.localtime(value).isoformat()


def environment(**options) -> Environment:
    env = Environment(**options)
    env.globals.update(url=lambda name, *args: reverse(name, args=args), hit_badge=hit_badge)
    env.filters.update(defang=defang, kind_label=kind_label, kind_noun=kind_noun, short_time=short_time,
                       short_day=short_day, clock=clock, iso_time=iso_time)
    return env
