"""The hand-written time filters print what Django's ``date`` filter prints, in the site's time zone."""

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import timezone

from config.jinja2 import logged_time, short_time
from findings.templatetags.findings_tags import history_time

MOMENTS = [dt.datetime(2026, 1, 5, 0, 0, 0, tzinfo=dt.UTC), dt.datetime(2026, 3, 29, 0, 59, 59, 999999, tzinfo=dt.UTC),
           dt.datetime(2026, 12, 31, 23, 7, 3, tzinfo=dt.UTC), dt.datetime(2026, 7, 14, 9, 5, 0, tzinfo=dt.UTC)]


def django_date(value, format_string):
    return Template(f'{{{{ value|date:"{format_string}" }}}}').render(Context({"value": value}))


@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin", "Pacific/Auckland"])
def test_the_filters_print_what_django_prints(settings, zone):
    settings.TIME_ZONE = zone
    for moment in MOMENTS:
        with timezone.override(zone):
            assert history_time(moment) == django_date(moment, "j M Y H:i:s")
            assert short_time(moment) == django_date(moment, "j M H:i")
            assert logged_time(moment) == (f'<time datetime="{django_date(moment, "c")}"><span>'
                                           f'{django_date(moment, "j M")}</span> <span>{django_date(moment, "H:i")}'
                                           "</span></time>")
