from django import forms

from revops.models import Function
from runbook.models import MAX_BODY_BYTES, MAX_FORMULA_CHARS, MAX_REASON_CHARS, Layer, Section


class RunbookForm(forms.Form):
    title = forms.CharField(max_length=120, help_text="For example “Sales-led run book”.")
    motion = forms.CharField(
        max_length=60, required=False, help_text="The motion it covers: sales-led, product-led…"
    )
    is_default = forms.BooleanField(
        required=False, label="Make this the default run book", initial=False
    )


class SectionEditForm(forms.Form):
    body = forms.CharField(
        label="Text (Markdown)",
        strip=False,
        required=False,
        widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "true"}),
        help_text=f"Markdown; at most {MAX_BODY_BYTES // 1024} KB. Link out to live documents "
        "rather than pasting them in.",
    )
    summary = forms.CharField(
        max_length=200, required=False, label="What changed",
        help_text="One line for the history, e.g. “New routing SLA for inbound demos”.",
    )
    base_revision = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    mark_reviewed = forms.BooleanField(
        required=False, initial=True, label="Also mark this section as reviewed",
        help_text="Saving counts as “I read this section and it is still true”.",
    )


class ReviewForm(forms.Form):
    note = forms.CharField(
        required=False, max_length=2000, label="Note (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What you checked, or what should change next quarter.",
    )


class ConcernForm(forms.Form):
    reason = forms.CharField(
        max_length=MAX_REASON_CHARS, label="What looks out of date?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Plain text. The owner's head is told; you hear back when the section is "
        "next reviewed or revised.",
    )


class ReleaseForm(forms.Form):
    name = forms.CharField(max_length=120, help_text="For example “2026-Q3 refresh”.")
    note = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Note (optional)"
    )


class DefinitionForm(forms.Form):
    """A new definition: what it means, who owns it and who must agree."""

    term = forms.CharField(max_length=80, help_text="As people say it, e.g. “MQL”.")
    layer = forms.ChoiceField(choices=Layer.choices)
    owner = forms.ModelChoiceField(queryset=Function.objects.all(), label="Owner function")
    agreeing = forms.ModelMultipleChoiceField(
        queryset=Function.objects.all(), required=False, label="Functions that must agree",
        widget=forms.CheckboxSelectMultiple)
    section = forms.ModelChoiceField(
        queryset=Section.objects.select_related("runbook"), required=False,
        label="Run-book section that uses it")
    body = forms.CharField(label="Definition (Markdown)", strip=False, required=False,
                           widget=forms.Textarea(attrs={"rows": 8}))
    formula = forms.CharField(max_length=MAX_FORMULA_CHARS, required=False,
                              help_text="Optional, e.g. “deals × average deal size × win "
                              "rate ÷ cycle length”.")


class DefinitionReviseForm(forms.Form):
    body = forms.CharField(label="Definition (Markdown)", strip=False, required=False,
                           widget=forms.Textarea(attrs={"rows": 10}))
    formula = forms.CharField(max_length=MAX_FORMULA_CHARS, required=False)
    summary = forms.CharField(max_length=200, required=False, label="What changed")
    base_revision = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    mark_reviewed = forms.BooleanField(
        required=False, initial=True, label="Also mark this definition as reviewed")


class AgreeForm(forms.Form):
    revision = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    function = forms.ModelChoiceField(queryset=Function.objects.all(), to_field_name="slug",
                                      widget=forms.HiddenInput)
