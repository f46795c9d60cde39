"""Choosing a password by e-mail: Django's password-reset views under ``/accounts/``.

Django makes and checks the link (``default_token_generator``: the token is made from
the password hash and the last sign-in, so it works once, and it expires after
``PASSWORD_RESET_TIMEOUT``). We change three things:

- the e-mail goes through the outbox like every other one (queued, sent after the
  request, retried, never lost) instead of being sent inside the request;
- the link is built on ``REVOPS_SITE_URL``, as in every e-mail, never on the request's
  ``Host`` header;
- an invited person who has not chosen a password yet may ask for one too (Django leaves
  out every account without a usable password), so an expired invitation is renewed
  here rather than by a lead.

The pages answer the same whether or not an address is known. With
``REVOPS_PASSWORD_LOGIN=0`` they answer 404: a password then signs in nobody but the
break-glass superuser, whose password is set with ``manage.py changepassword``, not by
whoever reads its mailbox.
"""

import unicodedata

from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.tokens import default_token_generator
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from revops import events, people


def site_link(path):
    """``path`` on the site's public URL (``REVOPS_SITE_URL``), as e-mails carry it."""
    return f"{settings.REVOPS_SITE_URL.rstrip('/')}{path}"


def uid_and_token(user):
    """The two parts of a one-time link for ``user``, made now."""
    return (urlsafe_base64_encode(force_bytes(user.pk)),
            default_token_generator.make_token(user))


def set_password_link(uidb64, token):
    return site_link(reverse("password_reset_confirm", args=[uidb64, token]))


def link_hours():
    """How long a link to choose a password works, in whole hours."""
    return settings.PASSWORD_RESET_TIMEOUT // 3600


def _same_address(a, b):
    """Django's comparison: the database's case-insensitive match is not trusted alone
    (Unicode look-alikes), the addresses must also fold to the same text."""
    return (unicodedata.normalize("NFKC", a).casefold()
            == unicodedata.normalize("NFKC", b).casefold())


class PasswordResetForm(auth_forms.PasswordResetForm):
    def get_users(self, email):
        """Active people with this address who have a password, or who were invited and
        have no way in yet (``people.awaiting_first_sign_in``)."""
        matching = get_user_model()._default_manager.filter(email__iexact=email,
                                                            is_active=True)
        return [user for user in matching if _same_address(email, user.email)
                and (user.has_usable_password() or people.awaiting_first_sign_in(user))]

    def send_mail(self, subject_template_name, email_template_name, context, from_email,
                  to_email, html_email_template_name=None):
        """Queue the e-mail in the outbox; it leaves when the request's writes commit."""
        context = {**context, "link": set_password_link(context["uid"], context["token"]),
                   "site": site_link(""), "hours": link_hours()}
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        html = (render_to_string(html_email_template_name, context)
                if html_email_template_name else "")
        events.mail([to_email], subject, render_to_string(email_template_name, context),
                    html=html)


class _PasswordsOnly:
    def dispatch(self, request, *args, **kwargs):
        if not settings.REVOPS_PASSWORD_LOGIN:
            raise Http404("Passwords are not used here: sign in with single sign-on.")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "hours": link_hours()}


class PasswordReset(_PasswordsOnly, auth_views.PasswordResetView):
    form_class = PasswordResetForm
    email_template_name = "registration/password_reset_email.txt"
    html_email_template_name = "registration/password_reset_email.html"


class PasswordResetDone(_PasswordsOnly, auth_views.PasswordResetDoneView):
    pass


class PasswordResetConfirm(_PasswordsOnly, auth_views.PasswordResetConfirmView):
    """Choosing the password signs nobody in: they sign in on the sign-in page, through
    the same lock-out as every password sign-in."""


class PasswordResetComplete(_PasswordsOnly, auth_views.PasswordResetCompleteView):
    pass
