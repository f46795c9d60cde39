"""Start here: a new lead's first week, as an ordered list built from live data.

For whoever opens it: first what came to them by hand-over (so they know what is now
theirs), then the readiness gaps with their fixes, the RACI sign-offs waiting for them,
their stale or due sections, and the rituals they own this week. Each step links to
where it is done. A fixed number of queries, whatever the size of the model.
"""

from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from cadence import selectors as cadence_selectors
from overview.bootstrap import existing_model
from raci import selectors as raci_selectors
from revops import policy
from revops.models import AuditEntry
from runbook import selectors as runbook_selectors
from runbook.models import ReviewState


@dataclass
class Step:
    kind: str  # handover, gap, signoff, section, ritual
    title: str
    url: str
    detail: str = ""

    @property
    def label(self):
        return KIND_LABELS[self.kind]


KIND_LABELS = {
    "handover": "Came to you",
    "gap": "Readiness gap",
    "signoff": "Sign off",
    "section": "Review",
    "ritual": "Run",
}


def _day(value):
    return f"{value.day} {value:%b %Y}"


def _handed_over(user):
    """Hand-overs whose successor is ``user``, newest first (the audit trail keeps them)."""
    return (AuditEntry.objects.filter(action="hand_over", object_type="auth.user",
                                      changes__successor__1=user.get_username())
            .order_by("-at")[:5])


def _handover_steps(user):
    steps = []
    for entry in _handed_over(user):
        functions = entry.changes.get("functions", [[], []])[0]
        rituals = entry.changes.get("rituals", [[], []])[0]
        held = []
        if functions:
            held.append("head of " + ", ".join(functions))
        if rituals:
            held.append("owner of " + ", ".join(rituals))
        steps.append(Step(
            "handover",
            f"{entry.object_repr} handed over to you on {_day(timezone.localdate(entry.at))}",
            reverse("person", args=[user.get_username()]),
            ("You are now " + "; ".join(held) + ".") if held else "",
        ))
    return steps


def first_week(*, user, today, now, report):
    """The ordered steps for ``user`` this week; on an empty install, starting the model
    comes first."""
    steps = _handover_steps(user)
    if not existing_model():
        steps.append(Step("gap", "Start your model: choose your motion", reverse("setup"),
                          "Sales-led, product-led or hybrid: the run book, the RACI and the "
                          "rituals drafted in one step."))
    steps += [Step("gap", gap.message, gap.fix_url) for gap in report.gaps]

    function_ids = policy.headed_function_ids(user)
    matrix = raci_selectors.current_matrix()
    if matrix is not None and function_ids:
        for status in raci_selectors.signoff_status(matrix):
            if status.function.pk in function_ids and not status.signed_current:
                steps.append(Step(
                    "signoff", f"Sign off the RACI (version {matrix.version}) for "
                               f"{status.function.name}",
                    reverse("raci:matrix", args=[matrix.pk]) + f"#signoff-{status.function.slug}",
                    "The previous head signed this version; it counts again once you sign."
                    if status.signed_by_former_head else "",
                ))
    if function_ids:
        for section in runbook_selectors.label_sections(
                runbook_selectors.sections_needing_review(today=today).filter(
                    owner_id__in=function_ids)):
            state = ReviewState(section.review_state).label.lower()
            steps.append(Step("section", f"Review “{section.label}” ({state})",
                              reverse("runbook:section", args=[section.pk]),
                              f"{section.runbook.title}, owned by {section.owner.name}."))

    start, end = cadence_selectors.week_bounds(today, timezone.get_current_timezone())
    owned = Q(ritual__owner_person=user)
    if function_ids:
        owned |= Q(ritual__owner_id__in=function_ids)
    for occurrence in cadence_selectors.occurrences(start=start, end=end).filter(owned):
        local = occurrence.local_time
        done = occurrence.status != "scheduled"
        steps.append(Step(
            "ritual", f"{occurrence.ritual.name}, {local:%a} {_day(local)} {local:%H:%M %Z}",
            reverse("cadence:occurrence", args=[occurrence.pk]),
            f"Recorded: {occurrence.get_status_display().lower()}." if done else
            ("Record how it went afterwards." if occurrence.scheduled_for < now
             else "You run it."),
        ))
    return steps
