"""E-mail to the people behind functions."""

from django.contrib.auth import get_user_model

from revops import events, policy
from revops.defaults import REVOPS_SEAT
from revops.models import Function


def revops_head():
    """Who acts for the RevOps seat (the fallback recipient): its holder, else its
    deputy, else None."""
    revops = (Function.objects.select_related("head", "deputy")
              .filter(slug=REVOPS_SEAT).first())
    return revops.covered_by if revops else None


def recipients_for(function):
    """Who acts for the function's seat (its head, else its deputy while vacant), or the
    RevOps seat's when nobody does."""
    head = function.covered_by if function else None
    if head is None:
        head = revops_head()
    return [head.email] if head and head.email else []


def recipients_for_many(functions):
    """``{function_id: [email]}`` for several functions (``head`` loaded) at once.

    The same rule as ``recipients_for``, in at most one query: the RevOps head is looked
    up once, and only when one of the functions has no head."""
    functions = list(functions)
    fallback = None
    if any(f.covered_by is None for f in functions):
        fallback = revops_head()
    result = {}
    for f in functions:
        head = f.covered_by or fallback
        result[f.pk] = [head.email] if head is not None and head.email else []
    return result


def leads_emails():
    """The addresses of every active person with lead rights, in one query."""
    return sorted(
        get_user_model().objects.filter(policy.lead_rights_q(), is_active=True)
        .exclude(email="").values_list("email", flat=True).distinct()
    )


def send(to, subject, body):
    """Queue one e-mail to ``to`` (a list of addresses) in the outbox, if there is anyone
    to send it to; it leaves when the caller's transaction commits."""
    events.mail(to, subject, body)
    return to


def email_function(function, subject, body):
    return send(recipients_for(function), subject, body)
