"""E-mail to the people behind functions."""

from django.contrib.auth import get_user_model

from revops import events
from revops.defaults import LEADS_GROUP
from revops.models import Function


def revops_head():
    """The head of the RevOps function (the fallback recipient), or None."""
    revops = Function.objects.select_related("head").filter(slug="revops").first()
    return revops.head if revops else None


def recipients_for(function):
    """The function's head, or the RevOps head when the function has none."""
    head = function.head if function and function.head_id else None
    if head is None:
        head = revops_head()
    return [head.email] if head and head.email else []


def recipients_for_many(functions):
    """``{function_id: [email]}`` for several functions (``head`` loaded) at once.

    The same rule as ``recipients_for``, in at most one query: the RevOps head is looked
    up once, and only when one of the functions has no head."""
    functions = list(functions)
    fallback = None
    if any(f.head_id is None for f in functions):
        fallback = revops_head()
    result = {}
    for f in functions:
        head = f.head if f.head_id else fallback
        result[f.pk] = [head.email] if head is not None and head.email else []
    return result


def leads_emails():
    """The addresses of every active RevOps lead, in one query."""
    return sorted(
        get_user_model().objects.filter(groups__name=LEADS_GROUP, is_active=True)
        .exclude(email="").values_list("email", flat=True).distinct()
    )


def send(to, subject, body):
    """Queue one e-mail to ``to`` (a list of addresses) in the outbox, if there is anyone
    to send it to; it leaves when the caller's transaction commits."""
    events.mail(to, subject, body)
    return to


def email_function(function, subject, body):
    return send(recipients_for(function), subject, body)
