"""Decisions that asked to be revisited: on their day, a review of the item they changed
is asked for, once.

A section gets what a reader would raise — a concern ("this may be out of date"),
answered when the section is next reviewed or revised — raised by the system with the
decision as its reason. A definition, a RACI row or a ritual has no such mechanism (a
definition's stale flag belongs to the staleness scan, which would close it the next
night), so for those, and for a decision linked to nothing, the revisit is the owner's
to-do: the owning function is e-mailed and the decision is a step on its head's start
page for four weeks (``cadence.selectors.revisits_due``).
"""

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from cadence.models import Decision
from revops import audit, notify, policy
from runbook import services as runbook_services
from runbook.models.concerns import MAX_REASON_CHARS


def _reason(decision):
    head = f"Revisit the decision of “{decision.ritual.name}”: "
    room = MAX_REASON_CHARS - len(head)
    text = decision.text if len(decision.text) <= room else decision.text[:room - 1] + "…"
    return head + text


@transaction.atomic
def raise_due_revisits(*, now=None, actor=None, door="task"):
    """Raise the review of every decision whose revisit day has come and that was not
    raised yet; a second run the same day raises none. Returns how many were raised."""
    policy.require_administer(actor)
    now = now or timezone.now()
    due = list(
        Decision.objects.select_for_update(of=("self",))
        .filter(revisit_on__lte=timezone.localdate(now), revisit_raised_at__isnull=True,
                ritual__archived_at__isnull=True)
        .select_related("ritual", "owner", "owner__head", "owner__deputy", "section",
                        "section__runbook")
        .order_by("revisit_on", "pk")
    )
    if not due:
        return 0
    Decision.objects.filter(pk__in=[d.pk for d in due]).update(revisit_raised_at=now)
    site = settings.REVOPS_SITE_URL.rstrip("/")
    for decision in due:
        decision.revisit_raised_at = now
        section = decision.section
        if section is not None and section.runbook.archived_at is None:
            runbook_services.concern_raise(section=section, reason=_reason(decision),
                                           actor=None, door=door)
        notify.email_function(
            decision.owner, f"Revisit: {decision.text[:80]}",
            render_to_string("cadence/email/revisit.txt", {
                "decision": decision, "link": decision.link,
                "url": f"{site}{decision.occurrence.get_absolute_url()}"}))
    audit.record_many(actor=actor, door=door, action="revisit", at=now, changes_by_object=[
        (d, {"revisit_on": d.revisit_on}) for d in due])
    return len(due)
