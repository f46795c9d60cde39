"""The events change control emits, registered with the core in ``ChangesConfig.ready()``:
their names (a contract with integrations), the labels people read them by, and what a
channel message says about one payload."""

from revops.channels import Item, path_to, when
from revops.registry import Event


def _described(detail):
    def describe(payload):
        item = payload.get("item_label") or f"Proposal {payload.get('id')}"
        text = f"Change to “{item}” {detail(payload)}".strip()
        return Item(text, path_to("changes:proposal", payload["id"]) if "id" in payload else "")
    return describe


def _applied(payload):
    effective = payload.get("effective_on")
    return (f"took effect on {when(effective)}: please read it and acknowledge"
            if effective else "took effect: please read it and acknowledge")


EVENTS = [
    Event("proposal.opened", "Change proposed", channels=True,
          describe=_described(lambda p: f"proposed by {p.get('proposer') or 'someone'}")),
    Event("proposal.approved", "Change approved", channels=True,
          describe=_described(lambda p: f"approved by {p.get('decided_by') or 'its approver'}")),
    Event("proposal.rejected", "Change rejected", channels=True,
          describe=_described(lambda p: f"rejected by {p.get('decided_by') or 'its approver'}")),
    Event("proposal.applied", "Change applied", channels=True, describe=_described(_applied)),
]
