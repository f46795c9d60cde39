"""Escalation of sections left stale: the run book's stale flags meet the RACI's layers.

A section still stale ``REVOPS_ESCALATE_AFTER_DAYS`` days after its flag opened goes to
the function Accountable for its layer (the RACI's row for the layer as a whole, or the
function that is A on most of the layer's rows); the cadence and playbooks sections
belong to RevOps. When the owner is that function itself, it goes to the RevOps leads
(the RevOps function). The run book does the writing (``escalate_stale_sections``).
"""

from raci import selectors as raci_selectors
from revops.models import Function
from runbook import services as runbook_services
from runbook.choices import SectionKind

REVOPS = "revops"
REVOPS_KINDS = (SectionKind.CADENCE, SectionKind.PLAYBOOKS)


def accountable_by_kind(revops_id):
    """``{section kind: function id}`` for the six kinds of section."""
    accountable = dict.fromkeys(REVOPS_KINDS, revops_id)
    accountable.update(raci_selectors.layer_accountables())
    return accountable


def escalate_stale_sections(*, door, today=None, actor=None):
    """The daily job: escalate every section due for it, once per stale flag, and every
    definition by the same rule (a definition's layer standing for a section's kind).
    Returns the sections' escalations."""
    revops_id = Function.objects.filter(slug=REVOPS).values_list("pk", flat=True).first()
    accountable = accountable_by_kind(revops_id)
    runbook_services.escalate_stale_definitions(
        accountable=accountable, fallback=revops_id, door=door, today=today, actor=actor)
    return runbook_services.escalate_stale_sections(
        accountable=accountable, fallback=revops_id, door=door,
        today=today, actor=actor,
    )
