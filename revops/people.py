"""How a person is named wherever the app shows one, and whether they can sign in yet."""

from revops.models import ExternalIdentity


def name_of(user):
    """Full name, falling back to the username; '' for nobody (a system write, a deleted
    account), so a template can say ``|default:"system"``."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def awaiting_first_sign_in(user):
    """True for someone who has no way in yet: no usable password, no identity at a
    single sign-on provider, never signed in — an invited head before they accept.

    Such a person may be given a one-time link to choose a password (or to join their
    provider identity): it gives them nothing a sign-in of theirs would not. Anyone else
    already has a way in, and a link for them would be a password reset nobody asked
    for."""
    return (not user.has_usable_password() and user.last_login is None
            and not ExternalIdentity.objects.filter(user=user).exists())
