"""Forms of the platform checklist: put a platform on it, finish a check."""

from django import forms

from .models import Platform


def _focus_tag_field():
    return forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple, label="Focus tags")


class ChecklistForm(forms.Form):
    def __init__(self, *args, operation, **kwargs):
        self.operation = operation
        super().__init__(*args, **kwargs)
        self.fields["focus_tags"].choices = [(t.name, t.name) for t in operation.focus_tags.all()]
        if not self.fields["focus_tags"].choices:
            del self.fields["focus_tags"]  # an operation without focus tags asks nothing about them


class PlanForm(ChecklistForm):
    platform = forms.ModelChoiceField(queryset=Platform.objects.none(), empty_label="Choose a platform…")
    focus_tags = _focus_tag_field()
    start = forms.BooleanField(required=False, initial=True, label="Start the check now")

    def __init__(self, *args, planned_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["platform"].queryset = Platform.objects.filter(active=True).exclude(pk__in=planned_ids)


class FinishForm(ChecklistForm):
    with_indications = forms.TypedChoiceField(
        choices=[("1", "Indications found"), ("0", "No indications")], coerce=lambda v: v == "1",
        label="Outcome", error_messages={"required": "Say whether indications were found."},
    )
    focus_tags = _focus_tag_field()
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
