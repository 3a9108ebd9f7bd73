"""Selects are written out by config.forms.FormRenderer, not by a template per option: the HTML must
be exactly what Django's Jinja2 widget templates write, for every kind of select and every value."""

import pytest
from django import forms
from django.forms.renderers import Jinja2

from config.forms import FormRenderer
from operations.countries import COUNTRY_CHOICES

ODD = [("", "— none —"), (1, "One & <two>"), ("q\"uote", "it's \"quoted\""), ("ü", "Ünïcödé · 東京"),
       (None, "None as a value")]
GROUPED = [("", "Pick one"), ("Europe", [("DE", "Germany"), ("FR", "France <FR>")]),
           ("Elsewhere", [("US", "United States")]), ("xx", "Loose")]


class Everything(forms.Form):
    plain = forms.ChoiceField(choices=ODD, required=False)
    grouped = forms.ChoiceField(choices=GROUPED)
    several = forms.MultipleChoiceField(choices=GROUPED, required=False)
    countries = forms.ChoiceField(choices=COUNTRY_CHOICES, widget=forms.Select(attrs={
        "class": "wide", "data-x": "a\"b<c>", "required": True, "disabled": False, "autofocus": True}))
    boolean = forms.NullBooleanField()
    radio = forms.ChoiceField(choices=ODD, widget=forms.RadioSelect, required=False)  # not a select: templates


@pytest.mark.parametrize("data", [
    None,
    {"plain": "1", "grouped": "FR", "several": ["DE", "US"], "countries": "JP", "boolean": "true"},
    {"plain": "q\"uote", "grouped": "nope", "several": ["xx"], "countries": "<script>", "boolean": "false"},
    {"plain": "None", "grouped": "", "countries": "", "boolean": "unknown"},
])
def test_every_select_renders_as_the_templates_do(data):
    ours, theirs = Everything(data, renderer=FormRenderer()), Everything(data, renderer=Jinja2())
    for name in Everything.base_fields:
        assert str(ours[name]) == str(theirs[name]), name
    assert str(ours["several"]).count(" selected") == (2 if data and data.get("several") == ["DE", "US"] else
                                                      1 if data and data.get("several") else 0)


def test_the_renderer_writes_selects_itself():
    calls = []

    class Counting(FormRenderer):
        def get_template(self, template_name):
            calls.append(template_name)
            return super().get_template(template_name)

    str(Everything(renderer=Counting())["countries"])
    assert calls == []
    str(Everything(renderer=Counting())["radio"])
    assert "django/forms/widgets/radio.html" in calls
