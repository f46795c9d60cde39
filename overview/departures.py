"""Departures that start themselves, and successors who accept what they received.

A lead records that a person leaves on a date (and, if known, who succeeds them). Until
then the hand-over stays drafted (``overview.services.handover_plan`` on the live model,
so the preview is always current); on the day the daily job hands over to the successor
or, with none named, leaves the person's seats vacant for their deputies to cover (the
RevOps seat covers what no deputy does). An identity provider that deprovisions a person
(SCIM ``active: false``) starts the same departure at once.

A successor then accepts each holding ("read and accepted"); the hand-over is complete
when every item is.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cadence import selectors as cadence_selectors
from cadence import services as cadence_services
from overview import services
from overview.models import Departure, Handover, HandoverItem
from revops import audit, events, notify, policy, seats
from revops import services as core_services
from revops.errors import Refused
from revops.models import ApiToken, Door, Function
from revops.people import lock_people, name_of


def open_departure(person):
    return Departure.objects.filter(person=person, done_at__isnull=True,
                                    cancelled_at__isnull=True).first()


def open_departures():
    """Every departure still to happen, soonest first."""
    return (Departure.objects.filter(done_at__isnull=True, cancelled_at__isnull=True)
            .select_related("person", "successor").order_by("leaves_on", "id"))


def countdown(departure, *, today):
    """"today", "tomorrow", "in 5 days" or, for a day that passed unhandled, "overdue"."""
    days = (departure.leaves_on - today).days
    if days < 0:
        return "overdue"
    return {0: "today", 1: "tomorrow"}.get(days, f"in {days} days")


@transaction.atomic
def departure_record(*, actor, door, person, leaves_on, successor=None, today=None):
    """Record (or change) the day ``person`` leaves and who succeeds them. RevOps leads
    only; the day cannot be past; a successor must be someone else who can sign in.
    Audited, announced as ``person.departure_recorded``."""
    policy.require_administer(actor)
    today = today or timezone.localdate()
    if leaves_on is None:
        raise ValidationError({"leaves_on": "Say on which day they leave."})
    if leaves_on < today:
        raise ValidationError({"leaves_on": f"{leaves_on} is past: a departure is recorded "
                                            "ahead (hand over now for one that happened)."})
    if not person.is_active:
        raise ValidationError({"person": f"“{person.get_username()}” has already left."})
    person, *rest = lock_people(person, *([successor] if successor else []))
    if successor is not None:
        services.check_successor(person, rest[0])
    departure = open_departure(person)
    before = ({"leaves_on": departure.leaves_on, "successor": departure.successor}
              if departure else {})
    if departure is None:
        departure = Departure(person=person, recorded_by=audit.user_or_none(actor))
    departure.leaves_on, departure.successor = leaves_on, successor
    departure.full_clean(validate_constraints=False)
    departure.save()
    changes = audit.changes_between(
        before, {"leaves_on": departure.leaves_on, "successor": departure.successor})
    if changes:
        audit.record(actor=actor, door=door, action="update" if before else "create",
                     obj=departure, changes=changes)
        events.emit("person.departure_recorded", _payload(departure))
    return departure


@transaction.atomic
def departure_cancel(*, actor, door, departure):
    """They stay after all: the departure is closed without a hand-over. Leads only."""
    policy.require_administer(actor)
    departure = Departure.objects.select_for_update().get(pk=departure.pk)
    if departure.is_open:
        departure.cancelled_at = timezone.now()
        departure.save(update_fields=["cancelled_at"])
        audit.record(actor=actor, door=door, action="cancel", obj=departure)
    return departure


@transaction.atomic
def person_leaves(*, actor, door, person, successor=None):
    """Hand over at once: to ``successor`` (else the open departure's), or, with nobody
    named, vacate the person's seats for their deputies (else the RevOps seat) to cover;
    either way their tokens are revoked and they can no longer sign in. Refused with
    ``NoLeadLeft`` (nothing changed) when nobody with lead rights would remain. Returns
    the closed departure."""
    policy.require_administer(actor)
    seats.hold_lead_rights()
    departure = open_departure(person)
    if departure is not None:
        departure = Departure.objects.select_for_update().get(pk=departure.pk)
    successor = successor or (departure.successor if departure else None)
    if successor is not None and not successor.is_active:
        successor = None  # they left too: the seats fall to the deputies instead
    if successor is not None:
        plan = services.person_hand_over(actor=actor, door=door, person=person,
                                         successor=successor, deactivate=True)
        record = plan.record
    else:
        _vacate(actor=actor, door=door, person=person)
        record = None
    if departure is None:
        departure = Departure(person=person, leaves_on=timezone.localdate(),
                              recorded_by=audit.user_or_none(actor))
    departure.successor = successor
    departure.done_at = timezone.now()
    departure.handover = record
    departure.problem = ""
    departure.save()
    audit.record(actor=actor, door=door, action="depart", obj=departure, changes={
        "successor": [None, successor.get_username() if successor else None]})
    events.emit("person.departed", _payload(departure))
    notify.send(notify.leads_emails(), f"{name_of(person)} has left: what moved",
                _left_text(departure))
    return departure


def _vacate(*, actor, door, person):
    """No successor: the person's seats fall vacant (their deputies cover), their
    deputyships end, rituals naming them name nobody (their function still owns them),
    tokens are revoked, and they are deactivated."""
    (person,) = lock_people(person)
    for function in Function.objects.filter(head=person).order_by("position", "slug"):
        core_services.function_update(actor=actor, door=door, function=function, head=None)
    for function in Function.objects.filter(deputy=person).order_by("position", "slug"):
        core_services.function_update(actor=actor, door=door, function=function, deputy=None)
    cadence_services.rituals_give_owner_person(
        rituals=cadence_selectors.rituals_of_person(person=person),
        owner_person=None, actor=actor, door=door)
    core_services.api_tokens_revoke(
        actor=actor, door=door,
        tokens=ApiToken.objects.filter(user=person, revoked_at__isnull=True))
    cadence_services.feed_tokens_revoke(
        tokens=cadence_selectors.feed_tokens(user=person), actor=actor, door=door)
    core_services.person_deactivate(actor=actor, door=door, person=person)


def run_due_departures(*, today=None):
    """The daily job: everyone whose day has come leaves, each in their own transaction.
    One that cannot happen (it would leave nobody with lead rights) stays open with the
    reason, and the leads are told; the job goes on with the next. Idempotent."""
    today = today or timezone.localdate()
    done = []
    for departure in open_departures().filter(leaves_on__lte=today):
        try:
            done.append(person_leaves(actor=None, door=Door.TASK, person=departure.person))
        except (seats.NoLeadLeft, ValidationError) as problem:
            message = (str(problem) if isinstance(problem, seats.NoLeadLeft)
                       else "; ".join(problem.messages))
            with transaction.atomic():
                if departure.problem != message[:300]:
                    Departure.objects.filter(pk=departure.pk).update(problem=message[:300])
                    notify.send(notify.leads_emails(),
                                f"{name_of(departure.person)}'s departure could not happen",
                                message)
    return done


def panel(*, user, today):
    """The dashboard's people panel: who leaves soon, which seats are vacant and who
    covers them, and hand-overs waiting for acceptance. Shown only when there is
    something to say; a fixed number of queries."""
    leaving = [(d, countdown(d, today=today)) for d in open_departures()[:10]]
    vacant = seats.vacancies(list(Function.objects.ordered().select_related("head", "deputy")))
    waiting = list(Handover.objects.filter(completed_at__isnull=True)
                   .select_related("person", "successor").order_by("at")[:10])
    if not (leaving or vacant or waiting):
        return None
    return {"title": "People and seats", "template": "overview/_people_panel.html",
            "leaving": leaving, "vacant": vacant, "waiting": waiting}


def _payload(departure):
    return {
        "user": departure.person.get_username(),
        "leaves_on": departure.leaves_on.isoformat(),
        "successor": departure.successor.get_username() if departure.successor else None,
        "done": departure.done_at is not None,
    }


def _left_text(departure):
    person = name_of(departure.person)
    if departure.successor is None:
        return (f"{person} left on {departure.leaves_on}. Nobody was named to succeed them: "
                "their seats are vacant and covered by their deputies (else the RevOps "
                "seat). Name holders on the seats page.")
    return (f"{person} left on {departure.leaves_on}. {name_of(departure.successor)} took "
            "over what they held and is asked to accept each item.")


# Accepting a hand-over ----------------------------------------------------------------


def inbox(user):
    """The hand-overs ``user`` received, newest first, with their items."""
    return list(user.handovers_received.select_related("person")
                .prefetch_related("items").order_by("-at", "-id"))


def waiting_items():
    """Items no successor has accepted yet, oldest first."""
    return (HandoverItem.objects.filter(accepted_at__isnull=True)
            .select_related("handover__person", "handover__successor")
            .order_by("handover__at", "id"))


@transaction.atomic
def handover_item_accept(*, actor, door, item):
    """The successor has read this holding and accepts it. Only the successor may; when
    it is the last item, the hand-over is complete. Idempotent; audited."""
    item = HandoverItem.objects.select_for_update().select_related("handover").get(pk=item.pk)
    handover = item.handover
    if actor is not None and getattr(actor, "pk", None) != handover.successor_id:
        raise Refused("Only the person who received this hand-over accepts it.")
    if item.accepted_at is not None:
        return item
    now = timezone.now()
    item.accepted_at = now
    item.save(update_fields=["accepted_at"])
    audit.record(actor=actor, door=door, action="accept", obj=item,
                 changes={"accepted_at": [None, now.isoformat()]})
    if not handover.items.filter(accepted_at__isnull=True).exists():
        handover.completed_at = now
        handover.save(update_fields=["completed_at"])
        events.emit("person.handover_accepted", {
            "user": handover.person.get_username(), "to": get_user_model().objects.get(
                pk=handover.successor_id).get_username(), "handover": handover.pk})
    return item
