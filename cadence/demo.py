"""The demo cadence: four horizons, fifteen rituals, each with a layer, an owner and a
run-book section its output updates, and a few weeks of recorded history (mostly held,
some skipped, a few missed); the forecast call's last meetings left decisions and
action items, one done, the others carried forward.

History is laid out backwards from today so the demo looks right on any day. Past
occurrences are recorded without section reviews: the run book's demo keeps its own
review stamps (one section due, one stale), which a back-dated review would overwrite.
Idempotent: a ritual whose name exists is left alone.
"""

from datetime import time, timedelta

from django.db.models import Q
from django.utils import timezone

from cadence import rules, services
from cadence.models import Occurrence, Ritual, Status
from revops import fiscal
from revops.models import Door, Function

NY, LONDON = "America/New_York", "Europe/London"
OWNER_LOGIN = {"revops": "lead", "cro": "cro", "marketing": "marketing", "sales": "sales",
               "cs": "cs", "finance": "finance"}
HISTORY = {"daily": timedelta(days=21), "weekly": timedelta(weeks=6),
           "monthly": timedelta(days=95), "quarterly": timedelta(days=220)}


def _pick(horizon, at, **values):
    """The rule of a picker, made when the demo loads (a quarterly rule in a quarter's
    second or third month depends on the organisation's fiscal start month)."""
    return lambda: rules.rule_from_picker(horizon, at=time(*at),
                                          start_month=fiscal.start_month(), **values)


WEEKDAYS = {"weekdays": list(rules.WORKDAYS)}

# name, horizon, layer, owner, attendees, minutes, zone, rule, output, section kind,
# purpose, agenda
RITUALS = [
    ("Pipeline hygiene check", "daily", "process", "sales", ["sales", "revops"], 15, NY,
     _pick("daily", (8, 30), **WEEKDAYS),
     "Open deals with a past close date or no next step fixed by their owners", "process",
     "", "- Deals with a close date in the past\n- Deals with no next step\n"
         "- Stage changes without a note"),
    ("Routing exception triage", "daily", "process", "revops", ["revops", "marketing"], 15,
     LONDON, _pick("daily", (9, 0), **WEEKDAYS),
     "Every unassigned inbound lead routed; broken rules logged for the systems standup",
     "systems", "", "1. Leads in the fallback queue\n2. Why each one missed its rule\n"
                    "3. Rule fixes to queue"),
    ("End-of-day forecast snapshot", "daily", "insights", "revops", ["revops"], 10, NY,
     _pick("daily", (17, 30), **WEEKDAYS),
     "Forecast snapshot stored in the warehouse so trend lines are trustworthy", "insights",
     "", "Check the snapshot job ran, totals match the CRM, and no region is missing."),
    ("Monday forecast call", "weekly", "insights", "cro", ["cro", "sales", "finance",
                                                            "revops"], 45, NY,
     _pick("weekly", (9, 0), weekday="MO"),
     "Committed and best-case numbers for the quarter, with the deals at risk", "insights",
     "forecast", "1. Sales managers walk their committed deals\n2. RevOps walks the math: "
                 "coverage, slippage, conversion\n3. Finance confirms the call\n"
                 "4. Risks and asks"),
    ("Funnel review", "weekly", "process", "marketing", ["marketing", "sales", "revops"], 45,
     NY, _pick("weekly", (11, 0), weekday="WE"),
     "Conversion by stage against plan and the one fix to try next week", "insights", "",
     "- Volume and conversion at each stage\n- Where this week differs from plan\n"
     "- One experiment, one owner"),
    ("Systems standup", "weekly", "systems", "revops", ["revops", "sales", "marketing"], 30,
     NY, _pick("weekly", (10, 0), weekday="TH"),
     "Integration health and a ranked change queue", "systems", "",
     "1. Sync errors since last week\n2. Changes shipped\n3. Change requests, ranked"),
    ("Handoff audit", "monthly", "process", "cs", ["cs", "sales", "revops"], 60, NY,
     _pick("monthly", (14, 0), monthly_mode="weekday", nth=1, weekday="TU"),
     "Ten sampled sales-to-CS handoffs scored, with the gaps fixed", "process", "",
     "Score a sample of last month's handoffs against the handoff checklist; agree fixes."),
    ("Leakage review", "monthly", "insights", "finance", ["finance", "cs", "revops"], 60, NY,
     _pick("monthly", (13, 0), monthly_mode="weekday", nth=2, weekday="TH"),
     "List of revenue leaking through discounts, billing errors and missed renewals, "
     "each with an owner", "insights", "",
     "- Unbilled usage\n- Discounts beyond policy\n- Renewals that lapsed without a call"),
    ("Capacity plan vs actual", "monthly", "strategy", "finance", ["finance", "sales",
                                                                   "revops"], 60, NY,
     _pick("monthly", (15, 0), monthly_mode="weekday", nth=1, weekday="MO"),
     "Capacity model updated with actual hires, ramp and attainment", "strategy", "",
     "Compare planned and actual start dates, ramp and quota attainment; adjust the model."),
    ("Deal desk retrospective", "monthly", "process", "sales", ["sales", "finance",
                                                                 "revops"], 45, NY,
     _pick("monthly", (15, 0), monthly_mode="weekday", nth=-1, weekday="FR"),
     "Last month's approved exceptions reviewed and rule changes agreed", "process", "",
     "1. Exceptions approved and why\n2. Which ones should become rules\n"
     "3. Approval times"),
    ("Quarterly business review", "quarterly", "strategy", "cro", ["cro", "sales",
                                                                    "marketing", "cs",
                                                                    "finance", "revops"],
     180, NY, _pick("quarterly", (13, 0), nth=2, weekday="TU", quarter_month=1),
     "Results against plan and next quarter's priorities, written down", "strategy", "",
     "1. The quarter in numbers\n2. What worked, what did not\n3. Priorities and owners "
     "for next quarter"),
    ("Segmentation refresh", "quarterly", "strategy", "marketing", ["marketing", "sales",
                                                                     "revops"], 90, NY,
     _pick("quarterly", (14, 0), nth=3, weekday="WE", quarter_month=1),
     "Segment definitions checked against actual win rates and deal sizes", "strategy", "",
     "Re-cut segments on last quarter's results; move accounts that changed shape."),
    ("Pricing and packaging review", "quarterly", "strategy", "finance", ["finance", "cro",
                                                                           "marketing"],
     90, NY, _pick("quarterly", (15, 0), nth=1, weekday="TH", quarter_month=2),
     "Pricing decisions and packaging changes with their effective dates", "strategy", "",
     "- Discount depth by segment\n- Packages that stall deals\n- Proposed changes"),
    ("Tech stack audit", "quarterly", "systems", "revops", ["revops", "finance"], 120, NY,
     _pick("quarterly", (10, 0), nth=2, weekday="TH", quarter_month=2),
     "Tool inventory with usage, spend and renewal decisions", "systems", "",
     "1. Every tool, its owner and its use\n2. Renewals in the next two quarters\n"
     "3. Tools to cut or merge"),
    ("Operating-model refresh", "quarterly", "strategy", "revops", ["revops", "cro", "sales",
                                                                     "marketing", "cs",
                                                                     "finance"], 180, NY,
     _pick("quarterly", (13, 0), nth=1, weekday="TH", quarter_month=1),
     "Run book revised and every one of its six sections reviewed", "cadence", "refresh",
     "Walk the run book section by section: is it still true? Re-review all six sections, "
     "fix what drifted, re-sign the RACI where it changed."),
]

NOTES = [
    "Went through the list; owners confirmed fixes by end of day.",
    "Short one: nothing unusual.",
    "Two follow-ups assigned, tracked in the channel.",
    "Numbers matched the CRM; no surprises.",
]


def _sections():
    from runbook import selectors as runbook_selectors

    book = runbook_selectors.default_runbook()
    return {s.kind: s for s in book.sections.all()} if book else {}


def _outcome(ritual, occurrence, people, functions):
    """What the forecast call's last two meetings decided and promised (nothing for the
    other rituals): a decision, an action item due two days on (overdue by the next
    week) and one due in a month."""
    owners = [people.get(login) for login in ("sales", "finance", "lead")]
    if ritual.purpose != "forecast" or not all(owners) or "cro" not in functions:
        return {}
    day = occurrence.local_time.date()
    sales, finance, lead = owners
    return {
        "present": list(ritual.attendees.all()), "rating": 7 + occurrence.pk % 3,
        "decisions": [{"text": "Deals without a next step by Friday come out of commit.",
                       "owner": functions["cro"], "revisit_on": day + timedelta(days=91)}],
        "actions": [
            {"text": "Send the committed deal list to finance", "owner": sales,
             "due": day + timedelta(days=2)},
            {"text": "Reconcile the bookings sheet with the CRM", "owner": finance,
             "due": day + timedelta(days=2)},
            {"text": "Add a next-step field to the opportunity layout", "owner": lead,
             "due": day + timedelta(days=30)},
        ],
    }


def _history(ritual, *, index, now, people, functions):
    """Back-date the ritual and record its past occurrences: mostly held, some skipped,
    a few left unrecorded so the missed marking catches them. Recaps of a past that was
    never sent are moot, as reminders are: none is queued."""
    start = now - HISTORY[ritual.horizon]
    Ritual.objects.filter(pk=ritual.pk).update(created_at=start, schedule_start=start,
                                               updated_at=start)
    ritual.refresh_from_db()
    services.materialize(ritual=ritual, now=now, start=start)
    ritual.occurrences.filter(scheduled_for__lt=now).update(recapped_at=now)
    actor = people.get(OWNER_LOGIN.get(ritual.owner.slug if ritual.owner else "", ""))
    past = list(ritual.occurrences.filter(scheduled_for__lt=now).order_by("scheduled_for"))
    plan = []  # (n, occurrence, status, done_at)
    for n, occurrence in enumerate(past):
        slot = (n + index) % 9
        if slot == 4 and ritual.purpose != "refresh":
            continue  # nobody records it: it becomes missed
        done_at = occurrence.scheduled_for + timedelta(minutes=ritual.duration_minutes)
        if done_at > now:
            continue
        skipped = slot == 7 and ritual.purpose != "refresh"
        plan.append((n, occurrence, Status.SKIPPED if skipped else Status.HELD, done_at))
    with_outcome = [o.pk for _, o, status, _ in plan if status == Status.HELD][-2:]
    for n, occurrence, status, done_at in plan:
        if status == Status.SKIPPED:
            services.occurrence_record(occurrence=occurrence, status=Status.SKIPPED,
                                       notes="Skipped: team offsite.", actor=actor,
                                       door=Door.UI, now=done_at)
        else:
            services.occurrence_record(
                occurrence=occurrence, status=Status.HELD,
                notes=NOTES[(n + index) % len(NOTES)], actor=actor, door=Door.UI,
                now=done_at,
                **(_outcome(ritual, occurrence, people, functions)
                   if occurrence.pk in with_outcome else {}))
    first_sent = ritual.actions.filter(text__startswith="Send").order_by("id").first()
    if first_sent is not None and ritual.actions.count() > 3:
        services.action_complete(action=first_sent, actor=first_sent.owner, door=Door.UI)


def load(*, people):
    now = timezone.now()
    sections = _sections()
    functions = {f.slug: f for f in Function.objects.all()}
    made = 0
    existing = set(Ritual.objects.filter(
        Q(name__in=[r[0] for r in RITUALS])).values_list("name", flat=True))
    for index, (name, horizon, layer, owner, attendees, minutes, zone, rule, output, kind,
                purpose, agenda) in enumerate(RITUALS):
        if name in existing:
            continue
        rule = rule()
        actor = people.get(OWNER_LOGIN.get(owner, "lead")) or people.get("lead")
        ritual = services.ritual_create(
            actor=actor, door=Door.UI, name=name, horizon=horizon, layer=layer,
            owner=functions.get(owner), owner_person=people.get(OWNER_LOGIN.get(owner, "")),
            attendees=[functions[a] for a in attendees if a in functions],
            duration_minutes=minutes, output=output, output_section=sections.get(kind),
            agenda=agenda, timezone=zone, rrule=rule, purpose=purpose, now=now,
        )
        _history(ritual, index=index, now=now, people=people, functions=functions)
        made += 1
    if made:
        services.mark_missed(now=now, door=Door.TASK)
        # Reminders for the past are moot: only what is still ahead gets one.
        Occurrence.objects.filter(scheduled_for__lt=now, reminded_at__isnull=True).update(
            reminded_at=now)
    return made
