import calendar

from django import forms
from django.contrib.auth import get_user_model

from overview import maturity


def _label(user):
    name = user.get_full_name()
    return f"{name} ({user.get_username()})" if name else user.get_username()


def _people_but(person):
    """Every active member of the site but ``person``, as ``(username, label)`` choices."""
    people = (get_user_model().objects.filter(is_active=True).exclude(pk=person.pk)
              .order_by("first_name", "last_name", "username"))
    return [(u.get_username(), _label(u)) for u in people]


class HandoverForm(forms.Form):
    """Who takes over from ``person``: any active member of the site but them."""

    to = forms.ChoiceField(label="Hand over to")
    deactivate = forms.BooleanField(
        required=False, label="Also deactivate their account (they can no longer sign in)",
    )

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [("", "Choose a successor…"), *_people_but(person)]


class DepartureForm(forms.Form):
    """The day ``person`` leaves and, if known, who succeeds them."""

    leaves_on = forms.DateField(label="Leaves on",
                                widget=forms.DateInput(attrs={"type": "date"}))
    successor = forms.ChoiceField(label="Successor", required=False)

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["successor"].choices = [("", "Nobody yet: their deputies cover"),
                                            *_people_but(person)]


class MaturityForm(forms.Form):
    """A lead's scores for this quarter: per pillar, 0–8 and what the score rests on.
    The rules (range, evidence required, one per quarter) are the service's; the field
    bounds here only make the browser's controls match."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for pillar in maturity.PILLARS:
            label = maturity.PILLAR_LABELS[pillar]
            self.fields[pillar] = forms.TypedChoiceField(
                label=f"{label} score", coerce=int,
                choices=[("", "Choose…")] + [
                    (n, f"{n} — {maturity.stage_for(n).name}")
                    for n in range(maturity.MIN_SCORE, maturity.MAX_SCORE + 1)],
                help_text=maturity.PILLAR_QUESTIONS[pillar],
                widget=forms.Select(attrs={"aria-describedby": f"id_{pillar}_help"}))
            self.fields[f"{pillar}_evidence"] = forms.CharField(
                label=f"{label}: evidence", max_length=1000, strip=True,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text="What you saw that puts it at this score.")

    def pillar_fields(self):
        """``(score field, evidence field)`` per pillar, in order, for the template."""
        return [(self[p], self[f"{p}_evidence"]) for p in maturity.PILLARS]


class OrganisationForm(forms.Form):
    """The organisation's settings a lead may change."""

    fiscal_year_start_month = forms.TypedChoiceField(
        label="Fiscal year starts in", coerce=int,
        choices=[(n, calendar.month_name[n]) for n in range(1, 13)],
        help_text="Quarters, review states and quarterly rituals follow it. Preview the "
                  "change before you save it.")
