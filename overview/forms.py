from django import forms
from django.contrib.auth import get_user_model


def _label(user):
    name = user.get_full_name()
    return f"{name} ({user.get_username()})" if name else user.get_username()


class HandoverForm(forms.Form):
    """Who takes over from ``person``: any active member of the site but them."""

    to = forms.ChoiceField(label="Hand over to")
    deactivate = forms.BooleanField(
        required=False, label="Also deactivate their account (they can no longer sign in)",
    )

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        people = (get_user_model().objects.filter(is_active=True).exclude(pk=person.pk)
                  .order_by("first_name", "last_name", "username"))
        self.fields["to"].choices = [("", "Choose a successor…")] + [
            (u.get_username(), _label(u)) for u in people
        ]
