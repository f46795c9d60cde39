from django import forms

from insights.services.off_track import MAX_REASON


class OffTrackNoteForm(forms.Form):
    reason = forms.CharField(max_length=MAX_REASON, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="Why it is off track and what is being done: the item "
                                       "closes and is not raised again for this run.")
