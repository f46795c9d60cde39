"""The events of the model as a whole (people leaving, maturity, the organisation's
settings), registered with the core in ``OverviewConfig.ready()``: their names (a
contract with integrations), the labels people read them by, and what a channel message
says about one payload."""

from revops.channels import Item, path_to
from revops.registry import Event


def _maturity(payload):
    weakest = ", ".join(payload.get("constraint") or []) or "none"
    return Item(f"{payload.get('quarter', '')} maturity: {payload.get('stage', '')} "
                f"(held back by {weakest})", path_to("maturity"))


EVENTS = [
    Event("person.handed_over", "Holdings handed over"),
    Event("person.departure_recorded", "Departure recorded"),
    Event("person.departed", "Person left"),
    Event("person.handover_accepted", "Hand-over accepted"),
    Event("maturity.assessed", "Quarterly maturity assessed", channels=True,
          describe=_maturity),
    Event("organisation.changed", "Organisation settings changed"),
]
