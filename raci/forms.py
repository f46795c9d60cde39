"""Browser forms of the RACI. They collect input; the services decide."""

from django import forms

from raci.models import DESCRIPTION_MAX_LENGTH
from revops.models import Layer

LETTER_CHOICES = [("", "—"), ("R", "R"), ("A", "A"), ("C", "C"), ("I", "I"), ("A/R", "A/R")]
PREVIOUS_CHOICES = [("R", "R — responsible"), ("C", "C — consulted"), ("I", "I — informed"),
                    ("", "nothing")]


class MatrixForm(forms.Form):
    title = forms.CharField(max_length=120)


class RowForm(forms.Form):
    """A row's fields and one letter per function (exactly one A, checked by the service)."""

    name = forms.CharField(max_length=200)
    layer = forms.ChoiceField(choices=[("", "Not grouped"), *Layer.choices], required=False)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False,
                                  max_length=DESCRIPTION_MAX_LENGTH)

    def __init__(self, *args, functions, **kwargs):
        super().__init__(*args, **kwargs)
        self.functions = functions
        for function in functions:
            self.fields[f"letter_{function.slug}"] = forms.ChoiceField(
                label=function.name, choices=LETTER_CHOICES, required=False
            )

    def letter_fields(self):
        return [self[f"letter_{f.slug}"] for f in self.functions]

    def cells(self):
        return {f.slug: self.cleaned_data[f"letter_{f.slug}"] for f in self.functions}

    def row_fields(self):
        return {k: self.cleaned_data[k] for k in ("name", "layer", "description")}


class ReassignForm(forms.Form):
    to = forms.SlugField()
    letter = forms.ChoiceField(choices=[("A", "A"), ("A/R", "A/R")], initial="A")
    previous_becomes = forms.ChoiceField(choices=PREVIOUS_CHOICES, required=False,
                                         widget=forms.RadioSelect)


class SignOffForm(forms.Form):
    function = forms.SlugField()
    version = forms.IntegerField(min_value=1)


class ImportForm(forms.Form):
    file = forms.FileField(help_text="CSV, UTF-8. The header names the columns: layer, name, "
                                     "description and one column per function slug.")


class ImportConfirmForm(forms.Form):
    text = forms.CharField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)
