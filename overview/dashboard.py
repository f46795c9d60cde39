"""The dashboard composes one panel per app, each read through the app's selectors.

A panel provider is a function ``panel(*, user, today) -> dict | None``; the dict has
``title``, ``template`` and whatever that template reads.
"""

from cadence import charts as cadence_charts
from cadence import dashboard as cadence_dashboard
from overview import departures, lint
from raci import dashboard as raci_dashboard
from runbook import charts as runbook_charts
from runbook import dashboard as runbook_dashboard

PANELS = [departures.panel, runbook_dashboard.panel, runbook_dashboard.concerns_panel,
          cadence_dashboard.panel, cadence_dashboard.actions_panel, raci_dashboard.panel,
          lint.panel, runbook_charts.panel, cadence_charts.panel]


def panels(*, user, today, checks=None):
    """``checks``: the lint's ``summary()``, read once for the page (its readiness reads
    it too); the cross-checks panel reads its own otherwise."""
    result = []
    for panel in PANELS:
        made = (lint.panel(checks=checks) if panel is lint.panel
                else panel(user=user, today=today))
        if made:
            result.append(made)
    return result
