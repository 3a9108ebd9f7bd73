"""The auditor page's search form: each field narrows the events the reader may see (``audit_events_visible_to``)."""

from django import forms
from django.apps import apps

from audit.models import AuditEvent
from audit.words import ACTION_WORDS, capitalised, record_noun
from operations.countries import COUNTRY_CHOICES

# The apps whose records the trail names.
_AUDITED_APPS = ("operations", "platforms", "findings", "reports")
# Their models that no event names: bookkeeping of the code, not records people look for.
_NEVER_NAMED = {"findings.casegroupobjectpermission", "findings.caseuserobjectpermission", "findings.selector",
                "findings.indicator", "platforms.platformdomain", "reports.statisticssnapshot"}
_MOMENT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"]


def object_type_choices() -> list[tuple[str, str]]:
    """The record types the trail names, as people call them ("URL", "Possible victim")."""
    choices = []
    for app_label in _AUDITED_APPS:
        for model in apps.get_app_config(app_label).get_models():
            label = model._meta.label_lower
            if label not in _NEVER_NAMED:
                choices.append((label, capitalised(record_noun(label))))
    return [("", "Any record type"), *sorted(choices, key=lambda choice: choice[1].lower())]


class MomentInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self):
        super().__init__(format="%Y-%m-%dT%H:%M")


class AuditSearchForm(forms.Form):
    """Who (actor, team), what (operation kind, record type and id), where (operation), when (UTC range)."""

    actor = forms.CharField(required=False, max_length=150, label="Actor",
                            widget=forms.TextInput(attrs={"placeholder": "user name, or part of it"}))
    team = forms.ChoiceField(required=False, choices=[("", "Any team"), *COUNTRY_CHOICES])
    action = forms.ChoiceField(required=False, label="What was done", choices=[
        ("", "Anything"), *[(value, capitalised(ACTION_WORDS[value])) for value in AuditEvent.Action.values],
    ])
    object_type = forms.ChoiceField(required=False, label="Record type")
    object_id = forms.CharField(required=False, max_length=64, label="Record id")
    operation = forms.ModelChoiceField(required=False, queryset=None, to_field_name="code",
                                       empty_label="Any operation", label="Action day")
    after = forms.DateTimeField(required=False, label="From (UTC)", input_formats=_MOMENT_FORMATS,
                                widget=MomentInput())
    before = forms.DateTimeField(required=False, label="Until (UTC)", input_formats=_MOMENT_FORMATS,
                                 widget=MomentInput())

    def __init__(self, *args, operations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["operation"].queryset = operations
        self.fields["object_type"].choices = object_type_choices()

    def clean(self):
        data = super().clean()
        if data.get("after") and data.get("before") and data["after"] >= data["before"]:
            raise forms.ValidationError("“From” must come before “Until”.")
        return data

    def apply(self, events):
        """``events`` narrowed by the valid fields; a form with errors matches nothing rather than everything."""
        if not self.is_bound:
            return events
        if not self.is_valid():
            return events.none()
        data = self.cleaned_data
        if data["actor"].strip():
            events = events.filter(actor_name__icontains=data["actor"].strip())
        exact = {"team": data["team"], "action": data["action"], "object_type": data["object_type"],
                 "object_id": data["object_id"].strip()}
        events = events.filter(**{name: value for name, value in exact.items() if value})
        if data["operation"] is not None:
            events = events.filter(operation_id=data["operation"].pk)
        if data["after"]:
            events = events.filter(at__gte=data["after"])
        if data["before"]:
            events = events.filter(at__lt=data["before"])
        return events
