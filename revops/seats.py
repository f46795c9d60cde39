"""Seats: the positions of the model, and the rule that someone can always run it.

Every function's head is a seat with a holder (``Function.head``), an optional deputy
who backs the holder up and covers the seat while it is vacant, and the time it fell
vacant. The RevOps function's seat is the RevOps lead's: its holder has the lead's
rights (``policy.lead_rights_q``), so handing the seat over hands the rights over.

The install must never be left without an active person who has lead rights: nobody
could then name heads, hand over, change settings or use the console in full. Every
write that can take lead rights away (a seat change, a deactivation, a group change, a
model import, an identity provider's deprovisioning) calls ``require_a_lead_remains``
once its changes are made, inside its transaction, so a refusal rolls them back.
"""

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from revops import locks, policy
from revops.errors import Conflict
from revops.people import name_of

LEAD_RIGHTS = "may edit every section, the RACI, the cadence, people and settings"
HEAD_RIGHTS = "may change what {function} owns and sign off the RACI for it"


class NoLeadLeft(Conflict):
    """The write would leave the install without an active person with lead rights."""

    RULE = ("At least one active person must have RevOps lead rights. This change would "
            "leave nobody who can run the install: first give the RevOps seat to someone "
            "(a hand-over or its deputy), or grant lead rights to someone else.")

    def __init__(self, message=RULE):
        super().__init__(message)

    def detail(self):
        return {"rule": "lead_remains"}


def active_leads():
    """Active people with lead rights."""
    return get_user_model().objects.filter(policy.lead_rights_q(), is_active=True).distinct()


def hold_lead_rights():
    """Take the transaction-level lock that every write which may remove lead rights
    holds (PostgreSQL; elsewhere writes are serialized anyway), so that such writes are
    judged one after the other: each statement after the lock sees what the previous
    holder committed. Writes that also lock rows take it first, before any row lock, so
    that two of them cannot each hold what the other waits for: two such writes at once
    (two leads deactivating each other) queue, and the second sees the first."""
    locks.hold(locks.LEAD_RIGHTS)


def require_a_lead_remains():
    """Raise ``NoLeadLeft`` unless an active person still has lead rights, as the
    calling transaction sees it, under ``hold_lead_rights``."""
    hold_lead_rights()
    if not active_leads().exists():
        raise NoLeadLeft()


def should_be_staff(user):
    """Whoever holds or deputises a seat, or has lead rights, gets the console. Asked of
    the database, never of a request's cached answers."""
    if user.is_superuser:
        return True
    return get_user_model().objects.filter(
        policy.lead_rights_q() | Q(headed_functions__isnull=False)
        | Q(deputy_functions__isnull=False), pk=user.pk).exists()


def holder_label(function):
    """How a seat is named wherever its holder is: "Hannah Kim (deputy: Jamie Osei)",
    "Vacant (covered by Jamie Osei)", or "Vacant"."""
    deputy = function.deputy if function.deputy_id else None
    if function.head_id is not None:
        label = name_of(function.head)
        return f"{label} (deputy: {name_of(deputy)})" if deputy else label
    return f"Vacant (covered by {name_of(deputy)})" if deputy else "Vacant"


def vacancies(functions):
    """``(function, who covers it)`` for each vacant seat among ``functions`` (loaded with
    ``head`` and ``deputy``): its deputy, else whoever acts for the RevOps seat, else
    None."""
    revops = next((f for f in functions if f.is_revops_seat), None)
    fallback = revops.covered_by if revops is not None else None
    return [(f, f.deputy or fallback) for f in functions if f.vacant]


def vacancy_text(function, cover):
    """"Sales since 3 Dec 2026, covered by Jamie Osei"."""
    since = (f" since {timezone.localtime(function.vacant_since):%-d %b %Y}"
             if function.vacant_since else "")
    return f"{function.name}{since}, covered by {name_of(cover) or 'nobody'}"


def rights_of(function):
    """What holding ``function``'s seat lets a person do, in words."""
    if function.is_revops_seat:
        return f"becomes RevOps lead: {LEAD_RIGHTS}"
    return f"becomes head of {function.name}: " + HEAD_RIGHTS.format(function=function.name)
