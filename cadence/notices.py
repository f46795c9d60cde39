"""The events the cadence emits, registered with the core in ``CadenceConfig.ready()``:
their names (a contract with integrations), the labels people read them by, and what a
channel message says about one payload."""

from revops.channels import Item, path_to, when
from revops.registry import Event


def _missed(payload):
    name = payload.get("ritual_name") or f"Ritual {payload.get('ritual')}"
    scheduled = payload.get("scheduled_for")
    text = (f"{name} on {when(scheduled)} was not recorded" if scheduled
            else f"{name} was not recorded")
    return Item(text, path_to("cadence:occurrence", payload["id"]) if "id" in payload else "")


def _recapped(payload):
    name = payload.get("ritual_name") or f"Ritual {payload.get('ritual')}"
    decisions, actions = len(payload.get("decisions", ())), len(payload.get("actions", ()))
    text = (f"{name}: {decisions} decision{'s' if decisions != 1 else ''}, "
            f"{actions} action item{'s' if actions != 1 else ''}")
    if payload.get("rating"):
        text += f", rated {payload['rating']}/10"
    return Item(text, path_to("cadence:occurrence", payload["id"]) if "id" in payload else "")


EVENTS = [
    Event("ritual.changed", "Ritual changed"),
    Event("occurrence.recorded", "Ritual recorded"),
    Event("occurrence.missed", "Ritual missed", channels=True, describe=_missed),
    Event("occurrence.recapped", "Ritual recap", channels=True, describe=_recapped),
    Event("action.closed", "Action item closed"),
]
