"""The dashboard composes one panel per app, each read through the app's selectors.

A panel provider is a function ``panel(*, user, today) -> dict | None`` named in
``PANELS``; the dict has ``title``, ``template`` and whatever that template reads.
"""

from django.utils.module_loading import import_string

PANELS = [
    "runbook.dashboard.panel",
    "cadence.dashboard.panel",
    "raci.dashboard.panel",
]


def panels(*, user, today):
    result = []
    for dotted in PANELS:
        panel = import_string(dotted)(user=user, today=today)
        if panel:
            result.append(panel)
    return result
