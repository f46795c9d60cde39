from django import forms
from django.contrib.auth import get_user_model

from revops import registry
from revops.models import ApiToken, Channel, Door, Layer
from revops.zones import known_zones


class ApiTokenForm(forms.Form):
    name = forms.CharField(max_length=80, help_text="What will use it, e.g. 'BI nightly sync'.")
    scope = forms.ChoiceField(choices=ApiToken.Scope.choices, initial=ApiToken.Scope.READ)
    expires_at = forms.DateField(
        required=False, label="Expires on", widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Optional. Leave empty for a token that lasts until revoked.",
    )


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        full = obj.get_full_name()
        return f"{full} ({obj.get_username()})" if full else obj.get_username()


def _people():
    return get_user_model().objects.filter(is_active=True).order_by("first_name", "username")


class SeatForm(forms.Form):
    """Who holds a seat and who deputises. The rules (active people, a deputy other than
    the holder, someone left with lead rights) are the service's."""

    holder = PersonChoiceField(queryset=_people(), required=False, to_field_name="username",
                               empty_label="Vacant")
    deputy = PersonChoiceField(queryset=_people(), required=False, to_field_name="username",
                               empty_label="No deputy")


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


class ChannelForm(forms.ModelForm):
    """A notification channel, in the UI and the console alike. Its kind is chosen once."""

    events = forms.MultipleChoiceField(
        choices=registry.channel_event_choices, widget=forms.CheckboxSelectMultiple,
        label="Post these events")
    layers = forms.MultipleChoiceField(
        choices=Layer.choices, widget=forms.CheckboxSelectMultiple, required=False,
        label="Of these layers only", help_text=Channel._meta.get_field("layers").help_text)
    url = forms.URLField(max_length=500, required=False, assume_scheme="https",
                         label="Incoming webhook URL",
                         help_text=Channel._meta.get_field("url").help_text)

    class Meta:
        model = Channel
        fields = ["name", "kind", "address", "url", "events", "layers", "active"]
        labels = {"address": "E-mail address"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["kind"].disabled = True

    def channel_fields(self):
        """What the channel services take from the form (its kind only when created)."""
        return {name: self.cleaned_data[name]
                for name in ("name", "address", "url", "events", "layers", "active")}


def zone_choices():
    return [(z, z) for z in sorted(known_zones())]


class ProfileForm(forms.Form):
    """The zone pages are shown in. A select of every zone, but the rule (a zone the
    server knows) is the service's, so a crafted value gets the same message."""

    time_zone = forms.CharField(
        label="Your time zone", widget=forms.Select(choices=zone_choices),
        help_text="Every page shows times in this zone, and says so.")
