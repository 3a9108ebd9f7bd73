"""The bulk paste form: lines of URLs or handles, checked before ``intake.bulk`` logs them."""

from django import forms

from findings.forms import CaseReferenceField, LinksToCase, WorkspaceForm
from platforms.models import Platform

from .bulk import MAX_LINES


class BulkPasteForm(WorkspaceForm):
    LINES_ARE = [("urls", "URLs"), ("handles", "Handles (social accounts)")]

    lines = forms.CharField(
        label="Lines to log", strip=False,
        help_text=f"One URL or handle per line, up to {MAX_LINES:,}. Defanged is fine.",
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false", "autocomplete": "off"}),
    )
    lines_are = forms.ChoiceField(choices=LINES_ARE, initial="urls", widget=forms.RadioSelect, label="The lines are")
    platform = forms.ModelChoiceField(
        queryset=Platform.objects.filter(active=True), required=False, empty_label="Found from each URL's domain",
        help_text="For handles: the platform they are on. Profile URLs are matched by their domain.",
    )
    case = CaseReferenceField()

    clean_case = LinksToCase.clean_case

    def clean(self):
        data = super().clean()
        if data.get("lines_are") == "handles" and not data.get("platform"):
            text = data.get("lines") or ""
            bare = [ln for ln in text.splitlines() if ln.strip() and "://" not in ln and "." not in ln]
            if bare:
                self.add_error("platform", "Choose the platform of the handles (bare handles have no domain).")
        return data
