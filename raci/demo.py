"""The demo RACI: the four layer rows of the operating model plus concrete activities,
each with exactly one A, signed off by some heads (one of them before the last change).

Idempotent: if the demo matrix exists, nothing happens.
"""

from datetime import timedelta

from django.utils import timezone

from raci import services
from raci.models import Matrix, SignOff
from revops.models import Door, Function

TITLE = "Revenue operating model RACI"

# (layer, name, description, letters)
ROWS = [
    ("strategy", "Strategy and planning (layer as a whole)",
     "Plan, capacity and segments: the CRO owns the number, RevOps builds the math.",
     {"revops": "R", "cro": "A", "marketing": "C", "sales": "C", "cs": "C", "finance": "C"}),
    ("strategy", "Annual revenue plan",
     "Bookings target tied to headcount, ramp, win rate, deal size and coverage.",
     {"cro": "A", "revops": "R", "finance": "C", "sales": "C", "marketing": "I", "cs": "I"}),
    ("strategy", "Capacity model",
     "How many ramped quota carriers, producing how much, it takes to hit the plan.",
     {"cro": "A", "revops": "R", "sales": "C", "finance": "C"}),
    ("strategy", "Segmentation (SMB, mid-market, enterprise)",
     "Which accounts belong to which segment and playbook; refreshed every quarter.",
     {"revops": "A/R", "cro": "C", "marketing": "C", "sales": "C", "cs": "I"}),
    ("process", "Process and workflow (layer as a whole)",
     "RevOps keeps the process coherent; the field teams run it.",
     {"revops": "A", "cro": "C", "marketing": "R", "sales": "R", "cs": "R", "finance": "I"}),
    ("process", "Lifecycle stage definitions",
     "What makes a lead, an MQL, an SQL and a customer, in plain words.",
     {"revops": "A", "marketing": "R", "sales": "C", "cs": "C", "cro": "I"}),
    ("process", "Lead routing rules and response SLAs",
     "Who gets which inbound lead, how fast they answer, and the fallback.",
     {"revops": "A", "marketing": "R", "sales": "R", "cro": "I", "cs": "I"}),
    ("process", "Opportunity stage exit criteria",
     "What must be true before a deal moves to the next stage.",
     {"sales": "A", "revops": "R", "cro": "C", "finance": "C", "marketing": "I"}),
    ("process", "Handoff agreements between marketing, sales and CS",
     "What each team hands over, when, and what the receiver can send back.",
     {"revops": "A", "sales": "R", "cs": "R", "marketing": "C", "cro": "I"}),
    ("process", "Deal desk charter",
     "Which non-standard terms need approval, from whom, within what time.",
     {"finance": "A", "revops": "R", "sales": "C", "cro": "I"}),
    ("process", "Renewal and expansion handoffs",
     "When an account moves from the CSM to an account executive and back.",
     {"cs": "A", "sales": "R", "revops": "C", "finance": "C", "cro": "I"}),
    ("systems", "Systems and data (layer as a whole)",
     "CRM, warehouse and their governance.",
     {"revops": "A", "cro": "I", "marketing": "R", "sales": "R", "cs": "R", "finance": "C"}),
    ("systems", "CRM field governance",
     "Who owns each field, naming conventions, required fields per stage.",
     {"revops": "A/R", "sales": "C", "marketing": "C", "cs": "C", "finance": "I"}),
    ("systems", "Data dictionary",
     "One written definition for every metric and field the board sees.",
     {"revops": "A/R", "finance": "C", "cro": "I", "marketing": "I", "sales": "I", "cs": "I"}),
    ("systems", "Deduplication and data quality rules",
     "How duplicate accounts and contacts are found, merged and prevented.",
     {"revops": "A", "marketing": "R", "sales": "C", "cs": "C"}),
    ("insights", "Insights and analytics (layer as a whole)",
     "Forecast, attribution, retention and leakage reporting.",
     {"revops": "A", "cro": "C", "marketing": "C", "sales": "R", "cs": "C", "finance": "C"}),
    ("insights", "Weekly forecast process",
     "Commit, best case and pipeline, with the change since last week.",
     {"cro": "A", "sales": "R", "revops": "R", "finance": "C", "marketing": "I", "cs": "I"}),
    ("insights", "Attribution rules",
     "Which touches get credit for pipeline, kept simple enough to act on.",
     {"marketing": "A", "revops": "R", "sales": "C", "cro": "I"}),
    ("insights", "Retention reporting (gross and net, by cohort)",
     "Churn and expansion by cohort, and where contracts leak early.",
     {"cs": "A", "revops": "R", "finance": "C", "cro": "I"}),
]


def load(*, people):
    if Matrix.objects.filter(title=TITLE).exists():
        return
    lead = people.get("lead")
    matrix = services.matrix_create(
        title=TITLE, is_current=True, actor=lead, door=Door.CLI,
        rows=[{"name": name, "layer": layer, "description": description, "cells": letters}
              for layer, name, description, letters in ROWS])
    heads = {f.slug: f for f in Function.objects.select_related("head")}

    def sign(slug, days_ago):
        function = heads.get(slug)
        if function is None or function.head is None:
            return
        signoff = services.signoff_create(matrix=matrix, function=function,
                                          actor=function.head, door=Door.CLI)
        SignOff.objects.filter(pk=signoff.pk).update(
            signed_at=timezone.now() - timedelta(days=days_ago)
        )

    # Marketing signed, then attribution changed: Marketing shows "changed since sign-off".
    sign("marketing", 12)
    attribution = matrix.rows.get(name="Attribution rules")
    services.cell_set(row=attribution, function=heads["finance"], letter="I", actor=lead,
                      door=Door.CLI)
    sign("cro", 3)
    sign("finance", 2)
    sign("sales", 1)
