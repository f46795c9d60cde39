"""The events the run book emits, registered with the core in ``RunbookConfig.ready()``:
their names (a contract with integrations), the labels people read them by, and what
a channel message says about one payload."""

from revops.channels import Item, path_to, when
from revops.registry import Event

REASON_SHOWN = 200


def _section(payload, detail):
    title = payload.get("title") or f"Section {payload.get('id')}"
    text = f"“{title}” {detail}".strip()
    return Item(text, path_to("runbook:section", payload["id"]) if "id" in payload else "")


def _stale(payload):
    reviewed = payload.get("last_reviewed_on")
    return _section(payload, f"was last reviewed on {when(reviewed)}" if reviewed
                    else "has never been reviewed")


def _escalated(payload):
    to = payload.get("escalated_to")
    return _section(payload, f"is still stale and was escalated to {to}" if to
                    else "is still stale and was escalated")


def _concern(payload):
    reason = " ".join(str(payload.get("reason") or "").split())
    if len(reason) > REASON_SHOWN:
        reason = reason[:REASON_SHOWN - 1] + "…"
    return _section(payload, f"may be out of date: {reason}" if reason
                    else "may be out of date")


EVENTS = [
    Event("section.revised", "Section revised"),
    Event("section.reviewed", "Section reviewed"),
    Event("section.stale", "Section went stale", channels=True, describe=_stale),
    Event("section.escalated", "Stale section escalated", channels=True,
          describe=_escalated),
    Event("section.concern_raised", "Concern raised on a section", channels=True,
          describe=_concern),
    Event("section.concern_resolved", "Concern on a section resolved"),
    Event("release.created", "Run book released"),
    Event("definition.revised", "Definition revised"),
    Event("definition.reviewed", "Definition reviewed"),
    Event("definition.agreed", "Definition agreed"),
    Event("definition.stale", "Definition went stale"),
    Event("definition.escalated", "Stale definition escalated"),
]
