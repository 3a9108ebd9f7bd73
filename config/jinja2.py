"""The Jinja2 environment, for the few templates rendered on every request in bulk (the workspace's
findings list): Jinja2 renders the same rows at a fraction of the Django template engine's cost
(docs/operations.md, "Where a page's time goes"). Everything else stays a Django template.

It offers what those templates use and nothing more: ``url()``, the findings' display filters, the
hit badge, and times as the Django templates print them. Autoescaping is on, as in Django's.
"""

import functools

from django.urls import reverse
from django.utils import timezone
from jinja2 import Environment
from markupsafe import Markup

from findings.templatetags.findings_tags import defang, kind_label, kind_noun
from hits.badges import hit_badge


def short_time(value) -> str:
    """``{{ value|date:"j M H:i" }}`` in the Django templates: "7 Dec 14:05", in the site's time zone."""
    local = timezone.localtime(value)
    return f"{local.day} {local:%b %H:%M}"


def logged_time(value) -> Markup:
    """A list row's time: ``<time datetime="(iso)"><span>7 Dec</span> <span>14:05</span></time>``, the
    time zone converted once for the three."""
    local = timezone.localtime(value)
    return Markup(f'<time datetime="{local.isoformat()}"><span>{local.day} {local:%b}</span> '
                  f'<span>{local:%H:%M}</span></time>')


@functools.lru_cache(maxsize=8192)
def url(name: str, *args) -> str:
    """``{% url %}``, each address reversed once per process: the list links every row two or three
    times, and the newest rows are the same for every analyst (reversing was a tenth of the list's
    time). The URLconf and the script prefix do not change while a process runs."""
    return reverse(name, args=args)


def environment(**options) -> Environment:
    env = Environment(**options)
    env.globals.update(url=url, hit_badge=hit_badge)
    env.filters.update(defang=defang, kind_label=kind_label, kind_noun=kind_noun, short_time=short_time,
                       logged_time=logged_time)
    return env
