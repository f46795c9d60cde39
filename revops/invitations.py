"""Invitations: the e-mail that tells someone they now head a function, and how to get in.

It says who named them and which functions they head, and gives them one way in:

- **A link to choose a password** (``SET_PASSWORD``), for someone with no way in yet
  (``people.awaiting_first_sign_in``): Django's password-reset confirmation with a
  ``default_token_generator`` token. The token is made from the password hash and the
  last sign-in, so choosing a password spends it; it expires after
  ``PASSWORD_RESET_TIMEOUT``. A person whose link expired asks for a new one with
  "Forgot your password?".
- **Single sign-on** (``SINGLE_SIGN_ON``), when ``OIDC_ISSUER`` is set, for the same
  people: the e-mail says to sign in with the provider, the first time through a
  one-time link (the same token, same expiry) that joins their provider identity to the
  invited account. Without it their first sign-in would make a second account (single
  sign-on never takes over a local account by e-mail), and the functions they were named
  head of would stay with an account nobody signs in as. It carries no link to choose a
  password: the company chose its provider as the way in, a password the person never
  needs is one more secret to guess or leak, and with ``REVOPS_PASSWORD_LOGIN=0`` it
  would be refused anyway.
- **Their existing sign-in** (``SIGN_IN``), for someone who already has a password, a
  provider identity or has signed in before: the sign-in page, and no one-time link —
  for them it would be a password reset nobody asked for.

The e-mail is queued in the outbox: it leaves when the naming commits, and a rolled-back
naming sends nothing.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import get_text_list

from revops import audit, events, passwords, people, policy, sso


class WayIn(models.TextChoices):
    SET_PASSWORD = "set_password", "a link to choose a password"
    SINGLE_SIGN_ON = "single_sign_on", "single sign-on"
    SIGN_IN = "sign_in", "their existing sign-in"


@dataclass(frozen=True)
class Invitation:
    user: object
    way_in: str
    link: str
    expires_at: datetime | None  # when the one-time link stops working; None: no such link


def way_in_for(user):
    if not people.awaiting_first_sign_in(user):
        return WayIn.SIGN_IN
    return WayIn.SINGLE_SIGN_ON if sso.enabled() else WayIn.SET_PASSWORD


def _link(user, way_in):
    if way_in == WayIn.SET_PASSWORD:
        return passwords.set_password_link(*passwords.uid_and_token(user))
    if way_in == WayIn.SINGLE_SIGN_ON:
        return passwords.site_link(reverse("sso_invitation", args=passwords.uid_and_token(user)))
    return passwords.site_link(reverse("login"))


@transaction.atomic
def invitation_send(*, user, functions, actor, door):
    """Queue the invitation of ``user``, now head of ``functions``, to their address;
    audited as ``invite``. Returns the ``Invitation``."""
    policy.require_administer(actor)
    way_in = way_in_for(user)
    expires_at = (timezone.now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)
                  if way_in != WayIn.SIGN_IN else None)
    invitation = Invitation(user, way_in, _link(user, way_in), expires_at)
    names = [f.name for f in functions]
    context = {
        "invitation": invitation, "functions": functions,
        "function_names": get_text_list(names, "and"),
        "inviter": people.name_of(audit.user_or_none(actor)) or "A RevOps lead",
        "provider_name": settings.OIDC_PROVIDER_NAME, "hours": passwords.link_hours(),
        "site": passwords.site_link(""),
    }
    events.mail(
        [user.email],
        f"You are the head of {context['function_names']} in the RevOps operating model",
        render_to_string("revops/invitation_email.txt", context),
        html=render_to_string("revops/invitation_email.html", context))
    audit.record(actor=actor, door=door, action="invite", obj=user, object_type="auth.user",
                 changes={"email": user.email, "functions": [None, names],
                          "way_in": way_in.value})
    return invitation
