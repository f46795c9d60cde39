"""Change control's hold on governed items, kept in the core so that every app's edit
services ask the same question without knowing the app that answers it.

A governed item (a definition, or a run book, section, RACI matrix or ritual a lead
marked) changes only through a proposal its layer's Accountable approves. The lower
apps' own edit services call ``refuse_governed`` before they write, so every door —
page, API, console, task, import — meets the same 409. The one way through is the
change-control app applying an approved proposal: it wraps the lower service call in
``applying(proposal)``, and only the item that proposal is about may then be written
(``proposal.covers(obj)``), only inside that block, only in that thread or task.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction

from revops import audit, policy
from revops.errors import Conflict

_applying = ContextVar("governance_applying", default=None)


class Governed(Conflict):
    """A direct edit of a governed item: nothing was written."""

    rule = "governed"

    def __init__(self, obj):
        self.obj = obj
        super().__init__(
            f"“{obj}” is governed: its changes go through change control. Open a proposal "
            f"instead (the Accountable of its layer approves it). Nothing was changed."
        )

    def detail(self):
        return {"rule": self.rule}


@contextmanager
def applying(proposal):
    """Let the lower services write the item ``proposal`` is about while inside."""
    token = _applying.set(proposal)
    try:
        yield proposal
    finally:
        _applying.reset(token)


def refuse_governed(obj, governed):
    """Raise ``Governed`` about ``obj`` when ``governed`` holds, unless an approved
    proposal about ``obj`` is being applied."""
    if not governed:
        return
    proposal = _applying.get()
    if proposal is None or not proposal.covers(obj):
        raise Governed(obj)


@transaction.atomic
def governed_set(*, item, governed, actor, door):
    """Mark ``item`` (a run book, section, definition, RACI matrix or ritual: any model
    with a ``governed`` flag) governed or not. Leads only, audited; the row is locked so a
    write queued behind it sees the new flag."""
    policy.require_administer(actor)
    item = type(item)._default_manager.select_for_update().get(pk=item.pk)
    if item.governed == bool(governed):
        return item
    item.governed = bool(governed)
    item.save(update_fields=["governed"])
    audit.record(actor=actor, door=door, action="govern" if governed else "ungovern",
                 obj=item, changes={"governed": [not governed, bool(governed)]})
    return item
