"""The set-up forms: they parse what was typed; the services decide and save."""

from django import forms

from operations.countries import COUNTRY_CHOICES, EU_BODIES
from operations.models import Agency, Membership
from platforms.models import Platform

TEAMS = [(code, f"{name} ({code})") for code, name in COUNTRY_CHOICES]
AGENCY_COUNTRIES = [("", "none (EU body)")] + [(c, n) for c, n in TEAMS if c != EU_BODIES]


class OperationForm(forms.Form):
    code = forms.SlugField(max_length=40, help_text="Short public code, e.g. THB-AW-2027.")
    name = forms.CharField(max_length=200)
    crime_focus = forms.CharField(max_length=200, required=False, initial="Trafficking in human beings")
    starts_at = forms.DateTimeField(label="Starts (UTC)", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    ends_at = forms.DateTimeField(label="Ends (UTC)", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    lead_agency = forms.ModelChoiceField(queryset=Agency.objects.all(), required=False,
                                         help_text="An agency ActionDay knows — or name a new one below.")
    new_agency = forms.CharField(max_length=200, required=False, label="…or a new lead agency")
    new_agency_country = forms.ChoiceField(choices=AGENCY_COUNTRIES, required=False, label="Its country")
    focus_tags = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}),
                                 help_text="One per line, e.g. Ukrainian refugees.")

    def clean(self):
        data = super().clean()
        if not data.get("lead_agency") and not (data.get("new_agency") or "").strip():
            self.add_error("lead_agency", "Choose the lead agency, or name a new one.")
        return data

    def tag_names(self) -> list[str]:
        return self.cleaned_data["focus_tags"].splitlines()


class FileForm(forms.Form):
    file = forms.FileField(label="CSV or Excel file (.csv, .xlsx)",
                           widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,.json"}))


class MemberForm(forms.Form):
    email = forms.EmailField(label="E-mail address", help_text="Their user name; a new person gets a sign-up link.")
    name = forms.CharField(max_length=300, required=False, help_text="Needed for a person new to ActionDay.")
    role = forms.ChoiceField(choices=Membership.Role.choices)
    team = forms.ChoiceField(choices=TEAMS)
    agency = forms.ModelChoiceField(queryset=Agency.objects.none(), required=False)

    def __init__(self, *args, operation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(participations__operation=operation)


class MembershipChangeForm(forms.Form):
    role = forms.ChoiceField(choices=Membership.Role.choices)
    team = forms.ChoiceField(choices=TEAMS)


class FocusTagsForm(forms.Form):
    names = forms.CharField(label="New focus tags", widget=forms.Textarea(attrs={"rows": 3}),
                            help_text="One per line.")


class PlatformForm(forms.Form):
    name = forms.CharField(max_length=120)
    category = forms.ChoiceField(choices=Platform.Category.choices)
    surface = forms.ChoiceField(choices=Platform.Surface.choices)
    domains = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}),
                              help_text="Domains or onion addresses, separated by spaces or new lines.")
    active = forms.BooleanField(required=False, initial=True, help_text="Offered to the teams' checklists.")
