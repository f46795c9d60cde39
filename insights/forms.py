from django import forms

from insights.csv_io import MAX_BYTES
from insights.services.off_track import MAX_REASON


class OffTrackNoteForm(forms.Form):
    reason = forms.CharField(max_length=MAX_REASON, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="Why it is off track and what is being done: the item "
                                       "closes and is not raised again for this run.")


class ImportForm(forms.Form):
    """The file to preview, or (sent back with the preview) its text to import."""

    file = forms.FileField(required=False, help_text="CSV with the columns metric, period "
                           "and value, e.g. win-rate,2026-W49,31.5.")
    csv_text = forms.CharField(required=False, widget=forms.HiddenInput,
                               max_length=MAX_BYTES)
    name = forms.CharField(required=False, widget=forms.HiddenInput, max_length=100)

    def clean(self):
        data = super().clean()
        if not data.get("file") and not data.get("csv_text"):
            raise forms.ValidationError("Choose a CSV file.")
        return data
