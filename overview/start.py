"""Start here: a new lead's first week, as an ordered list built from live data.

For whoever opens it: first what came to them by hand-over (so they know what is now
theirs), then the readiness gaps with their fixes, the RACI sign-offs waiting for them,
their stale or due sections, their overdue action items and the decisions due for a
second look, and the rituals they own this week. Each step links to where it is done.
A fixed number of queries, whatever the size of the model.
"""

from dataclasses import dataclass

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from cadence import selectors as cadence_selectors
from insights import selectors as insights_selectors
from overview import departures
from overview.bootstrap import existing_model
from overview.models import Handover, HandoverItem
from raci import selectors as raci_selectors
from revops import policy
from revops.listing import FirstOf
from revops.people import name_of
from revops.words import counted
from runbook import selectors as runbook_selectors
from runbook.choices import ReviewState


@dataclass
class Step:
    kind: str  # handover, departure, gap, signoff, section, action, revisit, ritual, metric
    title: str
    url: str
    detail: str = ""

    @property
    def label(self):
        return KIND_LABELS[self.kind]


KIND_LABELS = {
    "handover": "Came to you",
    "departure": "Leaving",
    "gap": "Readiness gap",
    "signoff": "Sign off",
    "section": "Review",
    "action": "Overdue",
    "revisit": "Revisit",
    "ritual": "Run",
    "metric": "Off track",
}


def _day(value):
    return f"{value.day} {value:%b %Y}"


def _handover_steps(user):
    """Hand-overs to ``user``, newest first, in people's and functions' names, with how
    many of their holdings are still to read and accept."""
    steps = []
    received = (Handover.objects.filter(successor=user).select_related("person")
                .annotate(total=Count("items"),
                          waiting=Count("items", filter=Q(items__accepted_at__isnull=True)))
                .order_by("-at", "-id")[:5])
    seats_held = {}
    for item in HandoverItem.objects.filter(
            handover__in=[h.pk for h in received],
            kind__in=[HandoverItem.Kind.SEAT, HandoverItem.Kind.DEPUTYSHIP]):
        seats_held.setdefault(item.handover_id, []).append(item.label)
    for handover in received:
        held = [label[0].lower() + label[1:] for label in seats_held.get(handover.pk, [])]
        detail = ("You are now " + ", ".join(held) + ". ") if held else ""
        detail += (f"{handover.waiting} of {handover.total} holdings still to read and accept."
                   if handover.waiting else "You have accepted every holding.")
        steps.append(Step(
            "handover",
            f"{name_of(handover.person)} handed over to you on "
            f"{_day(timezone.localdate(handover.at))}",
            reverse("handover_inbox") + f"#handover-{handover.pk}", detail))
    return steps


def _departure_steps(user, today):
    """For leads: who leaves soon, and whether their hand-over has a successor."""
    if not policy.is_lead(user):
        return []
    steps = []
    for departure in departures.open_departures()[:10]:
        who = name_of(departure.person)
        steps.append(Step(
            "departure", f"{who} leaves {departures.countdown(departure, today=today)} "
                         f"({_day(departure.leaves_on)})",
            reverse("person", args=[departure.person.get_username()]) + "#departure",
            f"{name_of(departure.successor)} takes over on the day." if departure.successor
            else "Nobody is named to take over: their seats will fall to their deputies."))
    return steps


def _action_steps(user, today, now, function_ids):
    """The action items ``user`` owns that are past their day, and the decisions of the
    functions they head whose revisit has come (a section's is its concern instead)."""
    steps = [Step("action", f"“{item.text[:120]}” was due {_day(item.due)}",
                  reverse("cadence:occurrence", args=[item.occurrence_id]),
                  f"From {item.ritual.name}: mark it done or drop it, saying why.")
             for item in cadence_selectors.overdue_actions(today=today, owner=user)[:20]]
    if function_ids:
        steps += [Step("revisit", f"Revisit “{d.text[:120]}”",
                       reverse("cadence:occurrence", args=[d.occurrence_id]),
                       f"{d.ritual.name} asked to look at this again on "
                       f"{_day(d.revisit_on)}.")
                  for d in cadence_selectors.revisits_due(function_ids=function_ids,
                                                                now=now)[:20]]
    return steps


def _metric_steps(user, function_ids):
    """Metrics off track two periods running that ``user`` answers for (leads: all)."""
    items = insights_selectors.open_items(
        function_ids=None if policy.is_lead(user) else function_ids)
    return [Step("metric", f"“{item.metric.name}” off track since {item.since}",
                 reverse("scorecard") + f"#metric-{item.metric.slug}",
                 f"Latest closed period {item.latest}. Bring it back on target, or note the "
                 f"reason on the scorecard.") for item in items]


# The first week names this many of the sections a head should review, in run-book order;
# a head of a function owning 14,000 sections made a 4 MB page. The rest are counted, and
# their page lists them.
SECTIONS_LISTED = 20


def _section_steps(user, today, function_ids):
    """The first ``SECTIONS_LISTED`` sections of the functions ``user`` heads that are
    stale, never reviewed or due, and a step counting the rest."""
    needing = FirstOf(runbook_selectors.sections_needing_review(today=today).filter(
        owner_id__in=function_ids), limit=SECTIONS_LISTED)
    steps = []
    for section in runbook_selectors.label_sections(needing):
        state = ReviewState(section.review_state).label.lower()
        steps.append(Step("section", f"Review “{section.label}” ({state})",
                          reverse("runbook:section", args=[section.pk]),
                          f"{section.runbook.title}, owned by {section.owner.name}."))
    if more := len(needing) - len(steps):
        steps.append(Step("section", f"And {counted(more, 'more section')} to review",
                          reverse("person", args=[user.get_username()]) + "#sections-title",
                          "Your page counts every section you own and lists them with "
                          "their state."))
    return steps


def first_week(*, user, today, now, report):
    """The ordered steps for ``user`` this week; on an empty install, starting the model
    comes first."""
    steps = _handover_steps(user) + _departure_steps(user, today)
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
        steps += _section_steps(user, today, function_ids)

    steps += _action_steps(user, today, now, function_ids)
    steps += _metric_steps(user, function_ids)

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
