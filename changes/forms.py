"""The forms of change control's pages: shapes only, the rules are the services'."""

from django import forms

from changes.models import Kind
from revops.models import Function, Layer

LETTER_CHOICES = [("", "—"), ("R", "R"), ("A", "A"), ("C", "C"), ("I", "I"), ("A/R", "A/R")]

# What a page lets you propose for each kind (a RACI row's letters are proposed through
# the API, which takes them as an object).
FIELD_LABELS = {
    "body": ("Text (Markdown)", forms.Textarea(attrs={"rows": 14})),
    "formula": ("Formula", forms.TextInput()),
    "name": ("Name", forms.TextInput()),
    "output": ("Output", forms.TextInput()),
    "agenda": ("Agenda (Markdown)", forms.Textarea(attrs={"rows": 8})),
    "description": ("Description", forms.Textarea(attrs={"rows": 4})),
    "rrule": ("Schedule (RFC 5545 rule, e.g. FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0)",
              forms.TextInput()),
    "timezone": ("Time zone", forms.TextInput()),
}
PAGE_FIELDS = {"section": ("body",), "definition": ("body", "formula"),
               "ritual": ("name", "output", "agenda", "rrule", "timezone"),
               "row": ("name", "description")}


class ProposalForm(forms.Form):
    """The proposed fields of the item's kind, the reason and the effective date."""

    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False,
                             help_text="Required: why the change is needed.")
    effective_on = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}),
                                   help_text="Leave empty to apply as soon as it is approved.")

    def __init__(self, *args, kind, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        fields = {}
        for name in PAGE_FIELDS[kind]:
            label, widget = FIELD_LABELS[name]
            fields[name] = forms.CharField(label=label, widget=widget, required=False,
                                           strip=False)
        # A RACI row's letters, one choice per function (the service checks the one A).
        self.functions = list(Function.objects.ordered()) if kind == "row" else []
        for function in self.functions:
            fields[f"letter_{function.slug}"] = forms.ChoiceField(
                label=function.name, choices=LETTER_CHOICES, required=False)
        self.fields = {**fields, **self.fields}

    def proposed(self):
        fields = {name: self.cleaned_data[name] for name in PAGE_FIELDS[self.kind]}
        if self.kind == "row":
            fields["letters"] = {f.slug: letter for f in self.functions
                                 if (letter := self.cleaned_data[f"letter_{f.slug}"])}
        return fields

    @staticmethod
    def initial_from(fields):
        """The form's initial values for ``fields`` (a proposal's or an item's own)."""
        initial = {name: value for name, value in fields.items() if name != "letters"}
        initial.update({f"letter_{slug}": letter
                        for slug, letter in fields.get("letters", {}).items()})
        return initial


class DecisionForm(forms.Form):
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False,
                           label="Note")


class CommentForm(forms.Form):
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Comment",
                           required=False)
    objection = forms.BooleanField(required=False, label="This is an objection (for a "
                                   "Consulted function)")


class RevertForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False,
                             label="Why revert it?")


class LogFilterForm(forms.Form):
    layer = forms.ChoiceField(choices=[("", "Any layer"), *Layer.choices], required=False)
    kind = forms.ChoiceField(choices=[("", "Any kind"), *Kind.choices], required=False,
                             label="Item kind")
    item = forms.IntegerField(required=False, min_value=1, label="Item id")
    person = forms.CharField(required=False, max_length=150,
                             help_text="Username of who proposed or approved it.")
