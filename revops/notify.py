"""E-mail to the people behind functions."""

from django.conf import settings
from django.core.mail import send_mail

from revops.models import Function


def recipients_for(function):
    """The function's head, or the RevOps head when the function has none."""
    head = function.head if function and function.head_id else None
    if head is None:
        revops = Function.objects.select_related("head").filter(slug="revops").first()
        head = revops.head if revops else None
    return [head.email] if head and head.email else []


def email_function(function, subject, body):
    to = recipients_for(function)
    if to:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to)
    return to
