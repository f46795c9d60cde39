"""The Monday brief: one e-mail a week to each function head with what needs them —
their stale and due sections, open concerns, this week's rituals, the overdue action
items of their rituals and the RACI sign-offs waiting — in HTML and plain text.

It reads each app through its selectors, for every head at once (a constant number of
queries however many heads). Exactly one per person per ISO week: ``send_monday_briefs``
claims ``(user, week)`` rows with one ``INSERT … ON CONFLICT DO NOTHING`` held by the
unique constraint on ``MondayBrief``, and queues e-mails only for the rows it inserted,
in the same transaction; a second run that week, or two at once, finds them taken.
"""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from cadence import selectors as cadence_selectors
from changes import selectors as changes_selectors
from insights import selectors as insights_selectors
from overview import departures
from overview.models import Handover, MondayBrief
from raci import selectors as raci_selectors
from revops import events, jsonrows, people, seats
from revops.channels import Item
from revops.models import Function
from runbook import selectors as runbook_selectors
from runbook.choices import ReviewState


def open_concerns(function_ids):
    """The open concerns on sections the functions ``function_ids`` own, as
    ``(function_id, Item)`` pairs, in one query."""
    concerns = runbook_selectors.open_concerns_for(None).filter(
        section__owner_id__in=function_ids)
    for concern in concerns:
        section, raiser = concern.section, concern.raised_by  # None once their account is gone
        who = people.name_of(raiser) or "A reader"
        yield section.owner_id, Item(
            f"“{section.title}” in {section.runbook.title}: {who} says “{concern.reason}”",
            reverse("runbook:section", args=[section.pk]))


@dataclass
class Brief:
    user: object
    week: object  # the Monday
    functions: list
    sections: list = field(default_factory=list)
    concerns: list = field(default_factory=list)
    rituals: list = field(default_factory=list)
    actions: list = field(default_factory=list)
    signoffs: list = field(default_factory=list)
    metrics: list = field(default_factory=list)  # their metrics off track
    seats: list = field(default_factory=list)  # the whole model's: vacancies, hand-overs
    decisions: list = field(default_factory=list)  # proposals they approve or reject
    changes: list = field(default_factory=list)  # the whole model's, applied last week
    acknowledgements: list = field(default_factory=list)  # the whole model's, overdue

    @property
    def subject(self):
        return f"Your Monday brief for the week of {self.week:%d %b %Y}"

    @property
    def quiet(self):
        """Nothing of their own needs them (the model-wide ``seats`` lines are news)."""
        return not (self.sections or self.concerns or self.rituals or self.actions
                    or self.signoffs or self.decisions or self.metrics)

    def render(self):
        """``(text, html)``: the two parts of the e-mail."""
        context = {"brief": self, "site": settings.REVOPS_SITE_URL.rstrip("/")}
        return (render_to_string("overview/brief_email.txt", context),
                render_to_string("overview/brief_email.html", context))


def week_of(day):
    """The Monday of ``day``'s ISO week."""
    return day - timedelta(days=day.weekday())


def _section_line(section):
    state = section.review_state
    if state == ReviewState.NEVER:
        words = "has never been reviewed"
    elif state == ReviewState.STALE:
        words = f"is stale (last reviewed {section.last_reviewed_on:%d %b %Y})"
    else:
        words = "is due: review it this quarter, before it goes stale"
    return Item(f"“{section.title}” in {section.runbook.title} {words}",
                reverse("runbook:section", args=[section.pk]))


def _ritual_line(occurrence):
    ritual, local = occurrence.ritual, occurrence.local_time
    status = "" if occurrence.status == "scheduled" else f" ({occurrence.get_status_display()})"
    return Item(f"{local:%a %d %b %H:%M} ({ritual.timezone}): {ritual.name}{status}",
                occurrence.get_absolute_url())


def _action_line(item):
    owner = people.name_of(item.owner)
    return Item(f"“{item.text[:120]}” ({owner}, {item.ritual.name}) was due "
                f"{item.due:%d %b %Y}", item.occurrence.get_absolute_url())


def seat_lines(*, today):
    """What every brief says about people: seats vacant (since when, who covers them),
    departures to come, and hand-overs still waiting for acceptance, oldest first."""
    functions = list(Function.objects.ordered().select_related("head", "deputy"))
    lines = [Item(f"A seat is vacant: {seats.vacancy_text(function, cover)}", reverse("seats"))
             for function, cover in seats.vacancies(functions)]
    for departure in departures.open_departures()[:10]:
        lines.append(Item(
            f"{people.name_of(departure.person)} leaves "
            f"{departures.countdown(departure, today=today)} "
            f"({departure.leaves_on:%d %b %Y})",
            reverse("person", args=[departure.person.get_username()])))
    for handover in (Handover.objects.filter(completed_at__isnull=True)
                     .select_related("person", "successor").order_by("at", "id")[:10]):
        lines.append(Item(
            f"{people.name_of(handover.successor)} has not yet accepted everything "
            f"{people.name_of(handover.person)} handed over on {handover.at:%d %b %Y}",
            reverse("handover_inbox")))
    return lines


def change_lines(*, since):
    """The governed items changed since ``since`` (a day), and why."""
    start = timezone.make_aware(datetime.combine(since, time.min))
    return [Item(f"“{proposal.item_label}” changed on {proposal.applied_at:%d %b %Y}: "
                 f"{proposal.reason}", reverse("changes:proposal", args=[proposal.pk]))
            for proposal in changes_selectors.applied_since(start)]


def acknowledgement_lines(*, today):
    """Who has not acknowledged a change three working days after it applied."""
    return [Item(f"“{proposal.item_label}” changed on {proposal.applied_at:%d %b %Y}; not yet "
                 f"acknowledged by {', '.join(people.name_of(p) for p in waiting)}",
                 reverse("changes:proposal", args=[proposal.pk]))
            for proposal, waiting in changes_selectors.acknowledgements_overdue(today=today)]


def compose(*, today):
    """A ``Brief`` for every active person acting for a seat (its head, or its deputy
    while it is vacant) with an e-mail address, built for all of them at once."""
    week = week_of(today)
    functions = [f for f in Function.objects.filter(
        Q(head__is_active=True) | Q(head__isnull=True, deputy__is_active=True))
        .select_related("head", "deputy").order_by("position", "slug")
        if f.covered_by.email]
    briefs, brief_of = {}, {}
    for function in functions:
        person = function.covered_by
        brief = briefs.setdefault(person.pk, Brief(person, week, []))
        brief.functions.append(function)
        brief_of[function.pk] = brief
    if not briefs:
        return []
    shared = seat_lines(today=today)
    unread = acknowledgement_lines(today=today)
    applied = change_lines(since=week - timedelta(days=7))
    for brief in briefs.values():
        brief.seats, brief.acknowledgements, brief.changes = shared, unread, applied
    for approver_id, waiting in changes_selectors.awaiting_decision().items():
        if approver_id in briefs:
            briefs[approver_id].decisions = [Item(
                f"Decide the change to “{proposal.item_label}” proposed by "
                f"{people.name_of(proposal.proposer) or 'someone'}",
                reverse("changes:proposal", args=[proposal.pk])) for proposal in waiting]
    owned = list(brief_of)
    for section in runbook_selectors.sections_needing_review(today=today).filter(
            owner_id__in=owned):
        brief_of[section.owner_id].sections.append(_section_line(section))
    for function_id, line in open_concerns(owned):
        brief_of[function_id].concerns.append(line)
    start = timezone.make_aware(datetime.combine(week, time.min))
    for occurrence in cadence_selectors.occurrences(
            start=start, end=start + timedelta(days=7)).filter(ritual__owner_id__in=owned):
        brief_of[occurrence.ritual.owner_id].rituals.append(_ritual_line(occurrence))
    # An overdue action item goes to the head of its ritual's owner, and to its own
    # owner when they have a brief of their own.
    by_person = {brief.user.pk: brief for brief in briefs.values()}
    for item in cadence_selectors.overdue_actions(today=today):
        told = {brief_of[item.ritual.owner_id].user.pk} if item.ritual.owner_id in brief_of \
            else set()
        if item.owner_id in by_person:
            told.add(item.owner_id)
        for person in told:
            by_person[person].actions.append(_action_line(item))
    for item in insights_selectors.open_items(function_ids=set(owned)):
        brief_of[item.metric.owning_function_id].metrics.append(Item(
            f"“{item.metric.name}” has been off track since {item.since} (latest "
            f"{item.latest}): bring it back or note the reason",
            reverse("scorecard") + f"#metric-{item.metric.slug}"))
    matrix = raci_selectors.current_matrix()
    if matrix is not None:
        path = reverse("raci:matrix", args=[matrix.pk])
        for status in raci_selectors.missing_signoffs(matrix):
            if status.function.pk in brief_of:
                brief_of[status.function.pk].signoffs.append(Item(
                    f"Sign off “{matrix.title}” (version {matrix.version}) for "
                    f"{status.function.name}", path))
    return list(briefs.values())


def _claim(user_ids, week):
    """Insert ``(user, week)`` for each of ``user_ids`` that has no brief that week yet;
    returns the ids inserted. The unique constraint decides, not a prior read."""
    columns, source = jsonrows.select({"user_id": "bigint"})
    sql = (f'INSERT INTO "{MondayBrief._meta.db_table}" (user_id, week, sent_at) '
           f"SELECT {columns}, %s, %s FROM {source} WHERE true "
           "ON CONFLICT DO NOTHING RETURNING user_id")
    params = [connection.ops.adapt_datefield_value(week),
              connection.ops.adapt_datetimefield_value(timezone.now()),
              jsonrows.param([{"user_id": pk} for pk in user_ids])]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0] for row in cursor.fetchall()}


@transaction.atomic
def send_monday_briefs(*, today=None):
    """Queue this week's brief for every head who has not had it; returns how many."""
    today = today or timezone.localdate()
    briefs = compose(today=today)
    if not briefs:
        return 0
    claimed = _claim([b.user.pk for b in briefs], week_of(today))
    events.mail_many([([brief.user.email], brief.subject, *brief.render())
                      for brief in briefs if brief.user.pk in claimed])
    return len(claimed)
