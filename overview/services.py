"""The model as a whole's own writes: the hand-over, the quarterly maturity assessment and
the organisation's settings.

The hand-over: what a leaving person holds moves to a successor in one transaction.

It composes the apps' own services (each asks the policy and writes its audit entry),
so a hand-over is exactly the sum of the changes a lead could make one by one, made
all at once or not at all.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cadence import selectors as cadence_selectors
from cadence import services as cadence_services
from overview import holdings, maturity, selectors
from overview.models import Handover, HandoverItem, MaturityAssessment
from revops import audit, events, fiscal, organisation, policy, seats
from revops import services as core_services
from revops.listing import FirstOf
from revops.models import ApiToken, Function, Organisation, Webhook
from revops.people import lock_people, name_of
from runbook import selectors as runbook_selectors


@dataclass
class HandoverPlan:
    """Exactly what a hand-over changes (the preview shows it; the service does it)."""

    person: object
    successor: object
    deactivate: bool
    functions: list  # seats the person holds: the successor takes each (and its rights)
    deputyships: list  # seats the person deputises: the successor deputises them
    sections: list  # owned by those seats' functions: they come with the seats
    definitions: list  # likewise
    rituals: list  # naming the person as owner: they will name the successor
    actions: list  # the person's open action items: the successor owes them
    api_tokens: list  # revoked
    feed_tokens: list  # revoked
    webhooks: list  # stay as they are: deliveries do not depend on who registered them
    deactivated: bool = False  # set once the hand-over is done
    record: object = None  # the ``Handover`` its successor accepts, once done

    @property
    def deactivates(self):
        return self.deactivate and self.person.is_active

    @property
    def moves_anything(self):
        return bool(self.functions or self.deputyships or self.rituals or self.actions
                    or self.api_tokens or self.feed_tokens or self.deactivates)

    @property
    def rights(self):
        """What the successor may do afterwards that comes with the seats, in words:
        "Jamie Osei becomes RevOps lead: may edit every section, …"."""
        who = name_of(self.successor)
        return [f"{who} {seats.rights_of(f)}" for f in self.functions]


def successor_named(username):
    """The user called ``username``, or a ValidationError on ``to`` naming the problem."""
    username = (username or "").strip()
    if not username:
        raise ValidationError({"to": "Say who takes over (a username)."})
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise ValidationError({"to": f"“{username}” is not a member of this site."})
    return user


def check_successor(person, successor):
    if successor.pk == person.pk:
        raise ValidationError({"to": "A person cannot hand over to themselves."})
    if not successor.is_active:
        raise ValidationError({"to": f"“{successor.get_username()}” is deactivated: "
                                     "hand over to someone who can sign in."})


def handover_plan(*, person, successor, deactivate=False, preview=False):
    """What handing ``person``'s holdings to ``successor`` would change, in nine queries;
    a ValidationError on ``to`` when the successor cannot take over. A ``preview`` (the
    page's) reads the first ``LISTED`` sections, definitions, rituals and action items
    of each kind with their counts (``FirstOf``) instead of every one."""
    check_successor(person, successor)
    read = FirstOf if preview else list
    functions = list(Function.objects.filter(head=person).order_by("position", "slug"))
    return HandoverPlan(
        person=person,
        successor=successor,
        deactivate=bool(deactivate),
        functions=functions,
        deputyships=list(Function.objects.filter(deputy=person).select_related("head")
                         .order_by("position", "slug")),
        sections=read(runbook_selectors.live_sections_owned_by(
            function_ids=[f.pk for f in functions])),
        definitions=read(runbook_selectors.definitions_headed_by(person=person)),
        rituals=read(cadence_selectors.rituals_of_person(person=person)),
        actions=read(cadence_selectors.open_actions_of(person=person)),
        api_tokens=list(ApiToken.objects.filter(user=person, revoked_at__isnull=True)),
        feed_tokens=list(cadence_selectors.feed_tokens(user=person)),
        webhooks=list(Webhook.objects.filter(created_by=person).order_by("id")),
    )


def _record_handover(*, actor, plan, now):
    """The ``Handover`` the successor accepts, item by item: the seats, deputyships,
    sections, definitions, RACI rows, rituals and open action items that move, as they
    read now."""
    held = holdings.holdings_of(plan.person, today=timezone.localdate(now), now=now)
    record = Handover.objects.create(person=plan.person, successor=plan.successor, at=now,
                                     by=audit.user_or_none(actor))
    Kind = HandoverItem.Kind
    seats_url = reverse("seats")
    items = [
        *(HandoverItem(kind=Kind.SEAT, object_id=f.slug, label=f"Head of {f.name}",
                       detail=seats.rights_of(f).capitalize(), url=seats_url)
          for f in plan.functions),
        *(HandoverItem(kind=Kind.DEPUTYSHIP, object_id=f.slug, label=f"Deputy for {f.name}",
                       detail=f"Backs up {name_of(f.head) or 'a vacant seat'}", url=seats_url)
          for f in plan.deputyships),
        *(HandoverItem(kind=Kind.SECTION, object_id=str(s.pk),
                       label=f"{s.runbook.title} · {s.title}",
                       detail=f"{s.review_state.capitalize()}, revision {s.revision}",
                       url=reverse("runbook:section", args=[s.pk])) for s in held.sections),
        *(HandoverItem(kind=Kind.DEFINITION, object_id=str(d.pk), label=d.term,
                       detail=f"Owned by {d.owner.name}, revision {d.revision}",
                       url=reverse("definitions:detail", args=[d.slug]))
          for d in held.definitions),
        *(HandoverItem(kind=Kind.RACI_ROW, object_id=str(r.id), label=r.name,
                       detail=f"{r.letter} for {r.function.name}, matrix version "
                              f"{held.matrix.version}",
                       url=reverse("raci:row_in_grid", args=[r.id]))
          for r in held.raci_rows),
        *(HandoverItem(kind=Kind.RITUAL, object_id=str(r.id), label=r.name,
                       detail=_next_occurrence_text(r.ritual),
                       url=reverse("cadence:ritual", args=[r.id])) for r in held.rituals),
        *(HandoverItem(kind=Kind.ACTION_ITEM, object_id=str(a.pk), label=a.text,
                       detail=f"Due {a.due:%a %d %b %Y}, from {a.ritual.name}",
                       url=reverse("cadence:occurrence", args=[a.occurrence_id]))
          for a in plan.actions),
    ]
    for item in items:
        item.handover = record
        item.label, item.detail = item.label[:300], item.detail[:300]
    HandoverItem.objects.bulk_create(items)
    if not items:
        record.completed_at = now
        record.save(update_fields=["completed_at"])
    return record


def _next_occurrence_text(ritual):
    upcoming = ritual.next_scheduled
    return (f"Next occurrence {timezone.localtime(upcoming):%a %d %b %Y %H:%M %Z}" if upcoming
            else f"{ritual.get_horizon_display()} ritual, nothing scheduled")


@transaction.atomic
def person_hand_over(*, actor, door, person, successor, deactivate=False):
    """Hand everything ``person`` holds to ``successor``, atomically: the successor takes
    the person's seats (so the RevOps seat's successor becomes the RevOps lead) and
    deputyships, rituals naming the person name the successor, their open action items
    are the successor's (done and dropped ones keep their owner), the person's API and
    calendar feed tokens are revoked and, with ``deactivate``, the person can no longer
    sign in — refused (``NoLeadLeft``, nothing changed) if nobody would be left with lead
    rights.

    Sign-offs the person gave stay in the history; they stop counting for the current
    version until the successor signs. One audit entry per object changed (the person's
    records the hand-over itself) and one ``person.handed_over`` event; a hand-over that
    moves nothing writes nothing. RevOps leads only.
    """
    policy.require_administer(actor)
    seats.hold_lead_rights()
    person, successor = lock_people(person, successor)
    plan = handover_plan(person=person, successor=successor, deactivate=deactivate)
    if not plan.moves_anything:
        return plan
    now = timezone.now()
    # First, so the record lists the items that moved (one closed since the plan stays).
    plan.actions = cadence_services.actions_give_owner(
        actions=plan.actions, owner=successor, actor=actor, door=door)
    plan.record = _record_handover(actor=actor, plan=plan, now=now)

    for function in plan.functions:
        deputy = {} if function.deputy_id != successor.pk else {"deputy": None}
        core_services.function_update(actor=actor, door=door, function=function,
                                      head=successor, **deputy)
    for function in plan.deputyships:
        core_services.function_update(
            actor=actor, door=door, function=function,
            deputy=None if function.head_id == successor.pk else successor)
    cadence_services.rituals_give_owner_person(
        rituals=plan.rituals, owner_person=successor, actor=actor, door=door)
    core_services.api_tokens_revoke(actor=actor, door=door, tokens=plan.api_tokens)
    cadence_services.feed_tokens_revoke(tokens=plan.feed_tokens, actor=actor, door=door)
    deactivated = plan.deactivated = plan.deactivates
    if deactivated:
        core_services.person_deactivate(actor=actor, door=door, person=person)

    functions = [f.slug for f in plan.functions]
    deputyships = [f.slug for f in plan.deputyships]
    rituals = [r.name for r in plan.rituals]
    changes = {
        "successor": [None, successor.get_username()],
        "functions": [functions, []],
        "deputyships": [deputyships, []],
        "rituals": [rituals, []],
        "open_action_items": [len(plan.actions), 0],
        "api_tokens_revoked": [0, len(plan.api_tokens)],
        "feed_tokens_revoked": [0, len(plan.feed_tokens)],
    }
    if deactivated:
        changes["is_active"] = [True, False]
    audit.record(actor=actor, door=door, action="hand_over", obj=person, changes=changes)
    events.emit("person.handed_over", {
        "user": person.get_username(),
        "to": successor.get_username(),
        "functions": functions,
        "deputyships": deputyships,
        "rituals": [r.pk for r in plan.rituals],
        "action_items": [a.pk for a in plan.actions],
        "api_tokens_revoked": len(plan.api_tokens),
        "feed_tokens_revoked": len(plan.feed_tokens),
        "deactivated": deactivated,
    })
    return plan


# The quarterly maturity assessment ---------------------------------------------------------

ASSESSMENT_INPUTS = [*maturity.PILLARS, *(f"{p}_evidence" for p in maturity.PILLARS)]
ASSESSMENT_FIELDS = [*ASSESSMENT_INPUTS, "occurrence"]


def assessment_quarter(*, quarter, today):
    """The fiscal quarter an assessment is for: ``quarter`` (a ``FiscalQuarter`` or its
    code, ``FY2027-Q1``) or, when it is None, the one containing ``today``. A quarter
    that has not started yet cannot be assessed: ValidationError on ``quarter``."""
    current = fiscal.fiscal_quarter(today)
    if quarter is None or quarter == "":
        return current
    if isinstance(quarter, str):
        try:
            quarter = fiscal.parse_quarter(quarter)
        except ValueError as e:
            raise ValidationError({"quarter": str(e)}) from e
    if quarter.start > current.start:
        raise ValidationError({"quarter": f"{quarter.code} has not started yet: assess "
                                          f"{current.code} or an earlier quarter."})
    return quarter


@transaction.atomic
def maturity_assess(*, actor, door, people, process, data, technology, people_evidence,
                    process_evidence, data_evidence, technology_evidence, quarter=None,
                    today=None):
    """Record the maturity assessment of a fiscal quarter (this one unless ``quarter``
    names an earlier one), or update it if the quarter has one already: one per quarter,
    by the database. The overall stage is the weakest pillar's (``overview.maturity``).

    It is tied to the quarter's held operating-model refresh when there is one. RevOps
    leads only. Audited (``create`` or ``update`` with what changed) and announced as
    ``maturity.assessed``. Returns ``(assessment, created)``."""
    policy.require_administer(actor)
    today = today or timezone.localdate()
    quarter = assessment_quarter(quarter=quarter, today=today)
    values = {name: value.strip() if isinstance(value, str) else value for name, value in {
        "people": people, "process": process, "data": data, "technology": technology,
        "people_evidence": people_evidence, "process_evidence": process_evidence,
        "data_evidence": data_evidence, "technology_evidence": technology_evidence}.items()}
    refresh = cadence_selectors.held_refresh(first_day=quarter.start, last_day=quarter.end)
    # The input is checked on its own first, so a bad score is a 400 naming its pillar
    # whether or not the quarter has an assessment yet.
    MaturityAssessment(quarter_start=quarter.start, **values).full_clean(
        validate_constraints=False)
    # get_or_create, not a read then an insert: two first assessments of a quarter posted
    # at once make one row, and the later of the two updates it.
    assessment, created = MaturityAssessment.objects.select_for_update().get_or_create(
        quarter_start=quarter.start,
        defaults={**values, "occurrence": refresh, "recorded_by": audit.user_or_none(actor)})
    if created:
        changes = audit.changes_between({}, audit.snapshot(assessment, ASSESSMENT_FIELDS))
    else:
        before = audit.snapshot(assessment, ASSESSMENT_FIELDS)
        for name, value in values.items():
            setattr(assessment, name, value)
        assessment.occurrence = refresh or assessment.occurrence
        changes = audit.changes_between(before, audit.snapshot(assessment, ASSESSMENT_FIELDS))
        if not changes:
            return assessment, False
        assessment.recorded_by = audit.user_or_none(actor)
        assessment.updated_at = timezone.now()
        assessment.full_clean()
        assessment.save()
    audit.record(actor=actor, door=door, action="create" if created else "update",
                 obj=assessment, changes=changes)
    stage = assessment.stage
    events.emit("maturity.assessed", {
        "id": assessment.pk,
        "quarter": quarter.code,
        "scores": assessment.scores,
        "stage": stage.name,
        "constraint": assessment.constraint_pillars,
        "occurrence": assessment.occurrence_id,
        "recorded_by": assessment.recorded_by.get_username() if assessment.recorded_by
        else None,
        "created": created,
    })
    return assessment, created


# The organisation's settings ---------------------------------------------------------------

ORGANISATION_FIELDS = ["fiscal_year_start_month"]


@transaction.atomic
def organisation_update(*, actor, door, fiscal_year_start_month, today=None, now=None):
    """Change the organisation's settings: the month its fiscal year starts in.

    Quarters follow at once, and with them every review state (the change's preview,
    ``selectors.fiscal_year_change``, lists what moves) and the quarterly rituals, whose
    future occurrences are put on the new quarters. RevOps leads only. Audited
    (``update`` of the settings, and of each ritual moved) and announced as
    ``organisation.changed``. Returns ``(organisation, change)``; ``change`` is None
    when the month was already that one."""
    policy.require_administer(actor)
    now = now or timezone.now()
    today = today or timezone.localdate()
    # get_or_create, not a read then an insert: two first saves at once make one row.
    settings_row, _ = Organisation.objects.select_for_update().get_or_create(
        pk=Organisation.SINGLETON)
    before = audit.snapshot(settings_row, ORGANISATION_FIELDS)
    settings_row.fiscal_year_start_month = fiscal_year_start_month
    settings_row.full_clean(exclude=["id"])
    changes = audit.changes_between(before, audit.snapshot(settings_row, ORGANISATION_FIELDS))
    if not changes:
        return settings_row, None
    change = selectors.fiscal_year_change(start_month=fiscal_year_start_month, today=today,
                                          now=now)
    settings_row.updated_at = now
    settings_row.updated_by = audit.user_or_none(actor)
    settings_row.save()
    organisation.changed()
    cadence_services.rituals_follow_fiscal_year(moves=change.moves, actor=actor, door=door,
                                                now=now)
    audit.record(actor=actor, door=door, action="update", obj=settings_row, changes=changes)
    events.emit("organisation.changed", {
        "fiscal_year_start_month": change.after,
        "previous_fiscal_year_start_month": change.before,
        "sections_changing_state": [s.pk for s in change.sections],
        "definitions_changing_state": [d.pk for d in change.definitions],
        "rituals_moved": [m.ritual.pk for m in change.moves],
    })
    return settings_row, change
