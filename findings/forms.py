"""The workspace forms: quick logging of each kind of finding, filters, sharing, evidence.

Forms only parse and check what was typed; saving goes through the services, whose
ValidationErrors are put back on the form by ``add_service_errors`` so nothing typed is lost.
"""

import functools

from django import forms
from django.core.exceptions import ValidationError

from identifiers.canonical import InvalidUrl, canonical_url
from operations.access import may_change
from operations.countries import NATIONALITY_CHOICES as NATIONALITIES
from platforms.models import Platform

from .models import Case, ExploitationType, Indicator, PossibleVictim, Suspect
from .workspace import KINDS, SINCE_CHOICES, Filters

# Every ISO 3166-1 country, Kosovo and "stateless"; a select finds one as its name is typed.
NATIONALITY_CHOICES = [("", "Unknown"), *NATIONALITIES]


class WorkspaceForm(forms.Form):
    """A form that knows who fills it in, and in which operation."""

    def __init__(self, *args, user, operation, **kwargs):
        self.user = user
        self.operation = operation
        super().__init__(*args, **kwargs)

    def add_service_errors(self, exc: ValidationError) -> None:
        """Put a service's ValidationError next to the fields it names, the rest at the top."""
        if hasattr(exc, "error_dict"):
            for name, errors in exc.message_dict.items():
                self.add_error(name if name in self.fields else None, errors)
        else:
            self.add_error(None, exc.messages)


class CaseReferenceField(forms.CharField):
    """A case typed by its reference (C-7KQ2MXPA), offered from a list of the user's open cases."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 16)
        kwargs.setdefault("label", "Case")
        kwargs.setdefault("help_text", "Optional: the reference of one of your team's cases, e.g. C-7KQ2MXPA.")
        super().__init__(**kwargs)
        self.widget.attrs.update({"list": "linkable-cases", "autocomplete": "off", "placeholder": "C-…"})


class LinksToCase(WorkspaceForm):
    def clean_case(self) -> Case | None:
        reference = (self.cleaned_data.get("case") or "").strip().upper()
        if not reference:
            return None
        case = Case.objects.visible_to(self.user).in_operation(self.operation).filter(reference=reference).first()
        if case is None:
            raise ValidationError(f"There is no case {reference} in this operation that you can see.")
        if not may_change(self.user, case):
            raise ValidationError(f"Case {reference} belongs to team {case.team}: only that team can link to it.")
        return case


# URLs and accounts are shared with the whole operation, their notes with them (DESIGN.md, the access rule).
SHARED_NOTE = "Every team of the operation reads it, as it sees the URL or account itself."


class UrlLogForm(LinksToCase):
    url = forms.CharField(
        label="URL", max_length=4096,
        help_text="Defanged is fine: hxxps://site[.]com/… Stored in canonical form, shown defanged.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "placeholder": "hxxps://…"}),
    )
    case = CaseReferenceField()
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text=SHARED_NOTE)


class AccountLogForm(LinksToCase):
    platform = forms.ModelChoiceField(queryset=Platform.objects.filter(active=True), empty_label="Choose…")
    handle = forms.CharField(
        max_length=300, help_text="@name, name, or the profile URL.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    display_name = forms.CharField(required=False, max_length=200)
    case = CaseReferenceField()
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text=SHARED_NOTE)


class SuspectLogForm(LinksToCase):
    alias = forms.CharField(max_length=200, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    role = forms.ChoiceField(choices=Suspect.Role.choices, initial=Suspect.Role.UNKNOWN)
    nationality = forms.ChoiceField(choices=NATIONALITY_CHOICES, required=False)
    age_estimate = forms.IntegerField(required=False, min_value=0, max_value=120, label="Age (estimate)")
    case = CaseReferenceField()
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class VictimLogForm(LinksToCase):
    nationality = forms.ChoiceField(choices=NATIONALITY_CHOICES, required=False)
    sex = forms.ChoiceField(choices=PossibleVictim.Sex.choices, initial=PossibleVictim.Sex.UNKNOWN)
    age_band = forms.ChoiceField(choices=PossibleVictim.AgeBand.choices, initial=PossibleVictim.AgeBand.UNKNOWN)
    is_minor = forms.BooleanField(required=False, label="Minor (under 18)")
    case = CaseReferenceField()
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class LocationLogForm(LinksToCase):
    address = forms.CharField(required=False, max_length=300, help_text="Street and number, or a landmark.",
                              widget=forms.TextInput(attrs={"autocomplete": "off"}))
    city = forms.CharField(required=False, max_length=120, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    country = forms.ChoiceField(choices=NATIONALITY_CHOICES, required=False)
    case = CaseReferenceField()
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}),
                           help_text="Phone numbers written here are matched across teams.")

    def clean(self):
        data = super().clean()
        if not (data.get("address") or "").strip() and not (data.get("city") or "").strip():
            self.add_error("city", "Give an address or a city.")
        return data


class CaseLogForm(WorkspaceForm):
    title = forms.CharField(max_length=200, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    exploitation_type = forms.ChoiceField(choices=[("", "Choose…"), *ExploitationType.choices])
    summary = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    source_reliability = forms.ChoiceField(choices=Case.SourceReliability.choices, initial="X")
    information_assessment = forms.ChoiceField(choices=Case.InformationAssessment.choices, initial="4")
    handling_code = forms.ChoiceField(choices=Case.HandlingCode.choices, initial="H0")
    handling_restrictions = forms.CharField(required=False, max_length=300, help_text="Required with H3.")
    focus_tags = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["focus_tags"].choices = [(t.name, t.name) for t in self.operation.focus_tags.all()]
        if not self.fields["focus_tags"].choices:
            del self.fields["focus_tags"]  # an operation without focus tags asks nothing about them

    def clean(self):
        data = super().clean()
        if data.get("handling_code") == "H3" and not (data.get("handling_restrictions") or "").strip():
            self.add_error("handling_restrictions", "Handling code H3 needs its restrictions written out.")
        return data


LOG_FORMS = {
    "url": UrlLogForm,
    "account": AccountLogForm,
    "suspect": SuspectLogForm,
    "victim": VictimLogForm,
    "location": LocationLogForm,
    "case": CaseLogForm,
}


class FilterForm(forms.Form):
    """The workspace filters; an invalid value is ignored rather than refused (it comes from a link)."""

    q = forms.CharField(required=False, max_length=300, label="Search",
                        widget=forms.TextInput(attrs={"type": "search",
                                                      "placeholder": "URL, handle, alias, place, case…"}))
    kind = forms.ChoiceField(required=False, label="Type",
                             choices=[("", "All types"), ("url", "URLs"), ("account", "Accounts"),
                                      ("suspect", "Suspects"), ("victim", "Possible victims"),
                                      ("location", "Locations"), ("case", "Cases")])
    platform = forms.ModelChoiceField(required=False, queryset=Platform.objects.all(), empty_label="All platforms")
    indicator = forms.ModelChoiceField(required=False, queryset=Indicator.objects.filter(active=True),
                                       to_field_name="code", empty_label="All indicators")
    team = forms.ChoiceField(required=False)
    since = forms.ChoiceField(required=False, choices=SINCE_CHOICES, label="Time")

    def __init__(self, *args, teams=(), my_team="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [
            ("", "All teams"), ("mine", f"My team ({my_team})"), ("others", "Shared by other teams"),
            *[(t, t) for t in teams],
        ]
        # The options as one plain query each, and only when the form is shown (not for an htmx list):
        # a model choice field walks its queryset through a server-side cursor (three round trips)
        # on every workspace page. Validation still uses the queryset.
        # (Cached: the widget walks its options twice when it renders.)
        self.fields["platform"].widget.choices = functools.cache(lambda: [
            ("", "All platforms"), *Platform.objects.values_list("pk", "name")])
        self.fields["indicator"].widget.choices = functools.cache(lambda: [
            ("", "All indicators"), *Indicator.objects.filter(active=True).values_list("code", "name")])

    def filters(self) -> Filters:
        if not self.is_bound:
            return Filters()
        if not self.is_valid():
            # Keep the valid parts of a tampered link.
            data = {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        else:
            data = self.cleaned_data
        return Filters(
            kind=data.get("kind") or "",
            platform=data.get("platform"),
            indicator=data.get("indicator"),
            team=data.get("team") or "",
            since=data.get("since") or "",
            q=(data.get("q") or "").strip(),
        )


class EvidenceForm(WorkspaceForm):
    description = forms.CharField(required=False, max_length=300)
    source_url = forms.CharField(required=False, max_length=2048, label="Source URL",
                                 help_text="Where it was captured; shown defanged.",
                                 widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}))
    captured_at = forms.DateTimeField(required=False, label="Captured at (UTC)", help_text="Empty: now.",
                                      widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    # Last in the form: a too-large file stops the upload, and the fields before it still arrive.
    file = forms.FileField(help_text="Screenshot, saved page, PDF or video.")

    def clean_source_url(self):

        raw = self.cleaned_data.get("source_url", "").strip()
        if not raw:
            return ""
        try:
            return canonical_url(raw)[0]
        except InvalidUrl as exc:
            raise ValidationError(f"Not a URL: {exc}.") from None


class ShareForm(WorkspaceForm):
    team = forms.ChoiceField(required=False, label="Share with country team")
    prosecutor = forms.ChoiceField(required=False, label="Share with prosecutor")

    def __init__(self, *args, teams=(), prosecutors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [("", "Choose a team…"), *[(t, t) for t in teams]]
        self.fields["prosecutor"].choices = [("", "Choose a prosecutor…"),
                                             *[(str(u.pk), u.get_username()) for u in prosecutors]]


def log_form(kind: str, *args, **kwargs) -> WorkspaceForm:
    if kind not in LOG_FORMS or kind not in KINDS:
        raise KeyError(kind)
    # Ids of their own: several log forms and the filters share the workspace page.
    kwargs.setdefault("auto_id", f"log-{kind}-%s")
    form = LOG_FORMS[kind](*args, **kwargs)
    form.kind = kind
    return form
