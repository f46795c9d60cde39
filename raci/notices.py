"""The events the RACI emits, registered with the core in ``RaciConfig.ready()``: their
names (a contract with integrations), the labels people read them by, and what a
channel message says about one payload."""

from revops.channels import Item, path_to
from revops.registry import Event


def _changed(payload):
    version = payload.get("version")
    now = f" is now at version {version}" if version is not None else " changed"
    return Item(f"The RACI matrix{now}: every function head signs it off again",
                path_to("raci:matrix", payload["matrix"]) if "matrix" in payload else "")


EVENTS = [
    Event("raci.changed", "Sign-off needed after a RACI change", channels=True,
          describe=_changed),
    Event("raci.edited", "RACI edited"),
    Event("raci.signed_off", "RACI signed off"),
]
