from django import forms
from django.contrib.auth import get_user_model

from revops.models import ApiToken, Door


class ApiTokenForm(forms.Form):
    name = forms.CharField(max_length=80, help_text="What will use it, e.g. 'BI nightly sync'.")
    scope = forms.ChoiceField(choices=ApiToken.Scope.choices, initial=ApiToken.Scope.READ)
    expires_at = forms.DateField(
        required=False, label="Expires on", widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Optional. Leave empty for a token that lasts until revoked.",
    )


class AuditFilterForm(forms.Form):
    object_type = forms.ChoiceField(required=False, label="Object type")
    actor = forms.ModelChoiceField(
        queryset=get_user_model().objects.order_by("username"), required=False,
        to_field_name="username",
    )
    door = forms.ChoiceField(choices=[("", "Any door"), *Door.choices], required=False)
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, object_types=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["object_type"].choices = [("", "Any type")] + [(t, t) for t in object_types]
