"""The /setup/ form: a motion, the fiscal-year start month and optional heads to
invite. The rules are the bootstrap service's; the form only collects the input."""

import calendar

from django import forms

from overview import motions
from revops import fiscal
from revops.models import Function


class SetupForm(forms.Form):
    motion = forms.ChoiceField(
        label="Company motion", widget=forms.RadioSelect,
        choices=[(m, motions.template(m).label) for m in motions.MOTIONS])
    fiscal_year_start_month = forms.TypedChoiceField(
        label="Fiscal year starts in", coerce=int,
        choices=[(n, calendar.month_name[n]) for n in range(1, 13)],
        help_text="Quarters, review states and quarterly rituals follow it. It is saved as "
                  "the organisation's setting, which a lead can change later in Settings.")
    replace = forms.BooleanField(
        label="Archive the current model and start again", required=False,
        help_text="The current run books, RACI and rituals stay readable, marked archived.")

    def __init__(self, *args, show_replace=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fiscal_year_start_month"].initial = fiscal.start_month()
        if not show_replace:
            del self.fields["replace"]
        self.functions = list(Function.objects.ordered())
        for function in self.functions:
            self.fields[f"invite_{function.slug}"] = forms.EmailField(
                label=function.name, required=False,
                widget=forms.EmailInput(attrs={"autocomplete": "off",
                                               "placeholder": "head's e-mail"}))

    def invite_fields(self):
        return [self[f"invite_{f.slug}"] for f in self.functions]

    def motion_options(self):
        """Each motion with the sentence that says how it weighs the layers."""
        chosen = self["motion"].value()
        return [{"value": m, "label": motions.template(m).label,
                 "summary": motions.template(m).summary, "checked": chosen == m,
                 "id": f"motion-{m}"} for m in motions.MOTIONS]

    def invite(self):
        return {f.slug: self.cleaned_data[f"invite_{f.slug}"] for f in self.functions
                if self.cleaned_data.get(f"invite_{f.slug}")}
