"""The watch-list form of the partners' page."""

from django import forms

from .models import WatchList


class WatchListForm(forms.Form):
    file = forms.FileField(label="Watch list file",
                           widget=forms.ClearableFileInput(attrs={"accept": ".json,.txt,.csv"}))
    name = forms.CharField(label="Name", max_length=200, required=False,
                           help_text="Shown on hits against the list; the file's name if left empty.")
    format = forms.ChoiceField(label="Format", required=False,
                               choices=[("", "Recognise from the content"), *WatchList.Format.choices])
