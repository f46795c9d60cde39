"""Rituals: created, changed, handed to an owning person, deleted, archived, and moved
onto new quarters when the fiscal year changes."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from cadence import rules
from cadence.models import Occurrence, Ritual, Status
from cadence.services import payloads
from cadence.services.materialization import materialize, materialize_many
from revops import audit, events, fiscal, governance, people, policy, rendering, search
from revops.errors import refuse_archived
from revops.models import Function

RITUAL_FIELDS = [
    "name", "horizon", "layer", "purpose", "owner", "owner_person", "duration_minutes",
    "output", "output_section", "agenda", "timezone", "rrule", "active", "reminder_lead",
    "grace",
]
# Who owns a governed ritual moves with a hand-over; everything else is its meaning and
# changes through a proposal.
HANDED_OVER = {"owner", "owner_person"}
SCHEDULE_FIELDS = {"horizon", "rrule", "timezone"}
RULE_FIELDS = ["horizon", "rrule", "timezone", "duration_minutes", "grace", "reminder_lead"]
MAX_GRACE = timedelta(days=30)
MAX_REMINDER_LEAD = timedelta(days=14)


def _snapshot(ritual, fields=RITUAL_FIELDS):
    """The audit snapshot, with durations written as text (JSON has no timedelta)."""
    return {k: str(v) if isinstance(v, timedelta) else v
            for k, v in audit.snapshot(ritual, fields).items()}


def _slugs(functions):
    return sorted(f.slug for f in functions)


def _now():
    """``timezone.now()``, under a name ``ritual_create``'s ``timezone`` argument does not
    hide."""
    return timezone.now()


def ritual_rule_errors(ritual, *, starts_at=None):
    """The domain rules of a ritual beyond its model fields (duration, schedule, grace,
    reminder lead) as ``{field: [message]}``. Shared by the services and the console form.
    A valid schedule's rule is normalized on ``ritual``."""
    errors = {}
    try:
        rules.check_duration(ritual.duration_minutes)
    except rules.ScheduleError as exc:
        errors.setdefault(exc.field, [exc.message])
    if ritual.horizon in rules.HORIZONS:
        try:
            schedule = rules.schedule(
                horizon=ritual.horizon, rrule=ritual.rrule, timezone=ritual.timezone,
                starts_at=starts_at or ritual.schedule_start, start_month=fiscal.start_month(),
            )
            ritual.rrule = schedule.rule
        except rules.ScheduleError as exc:
            errors.setdefault(exc.field, [exc.message])
    if ritual.grace is not None and not timedelta(0) <= ritual.grace <= MAX_GRACE:
        errors.setdefault("grace", ["The grace period must be 0 to 30 days."])
    if ritual.reminder_lead is not None and not (
        timedelta(0) <= ritual.reminder_lead <= MAX_REMINDER_LEAD
    ):
        errors.setdefault("reminder_lead", ["The reminder lead time must be 0 to 14 days."])
    return errors


def _validate(ritual, attendees):
    """Field errors of the ritual as a whole, schedule included, or nothing. The named
    DB constraints are checked by the rules (field errors), not again as a whole."""
    errors = {}
    try:
        ritual.full_clean(exclude=["rrule", "timezone"], validate_constraints=False)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    for field, messages in ritual_rule_errors(ritual).items():
        errors.setdefault(field, messages)
    bad = [a for a in attendees if not isinstance(a, Function) or a.pk is None]
    if bad:
        errors.setdefault("attendees", ["Unknown attending function."])
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def ritual_create(*, actor, door, name, horizon, layer, rrule, timezone="UTC",
                  duration_minutes=30, owner=None, owner_person=None, attendees=(),
                  output="", output_section=None, agenda="", active=True, purpose="",
                  reminder_lead=None, grace=None, now=None):
    """Create a ritual and materialize its next 12 months of occurrences."""
    policy.require_create_owned(actor)
    policy.require_own(actor, owner)
    people.lock_active([("owner_person", owner_person)])
    now = now or _now()
    ritual = Ritual(
        name=(name or "").strip(), horizon=horizon, layer=layer, purpose=purpose or "",
        owner=owner, owner_person=owner_person, duration_minutes=duration_minutes,
        output=(output or "").strip(), output_section=output_section, agenda=agenda or "",
        agenda_html=rendering.render(agenda or ""), timezone=timezone, rrule=rrule,
        active=active, reminder_lead=reminder_lead if reminder_lead is not None
        else timedelta(hours=1), grace=grace, schedule_start=now, created_at=now,
        updated_at=now,
    )
    attendees = list(attendees or [])
    _validate(ritual, attendees)
    ritual.save()
    search.refresh_vectors(Ritual, [ritual.pk])
    ritual.attendees.set(attendees)
    audit.record(actor=actor, door=door, action="create", obj=ritual,
                 changes=audit.changes_between({}, {**_snapshot(ritual),
                                                    "attendees": _slugs(attendees)}))
    if ritual.active:
        materialize(ritual=ritual, now=now)
    events.emit("ritual.changed", {**payloads.ritual_payload(ritual), "change": "created"})
    return ritual


@transaction.atomic
def ritual_update(*, ritual, actor, door, attendees=None, now=None, **fields):
    """Change a ritual. A new rule, zone or horizon (or reactivation) restarts the
    schedule now: future ``scheduled`` occurrences are replaced, recorded ones and past
    ones stay. Deactivating removes the future ``scheduled`` ones. The owning person
    named must be active, checked under their row lock, taken before the ritual's as the
    hand-over takes them."""
    if fields.get("owner_person") is not None:
        policy.require_change(actor, ritual)
        people.lock_active([("owner_person", fields["owner_person"])])
    ritual = policy.locked_for_change(actor, ritual)
    if "owner" in fields and getattr(fields["owner"], "pk", None) != ritual.owner_id:
        policy.require_own(actor, fields["owner"])
    now = now or _now()
    refuse_archived(ritual, ritual.archived_at)
    unknown = set(fields) - set(RITUAL_FIELDS)
    if unknown:
        raise TypeError(f"ritual_update() cannot change {', '.join(sorted(unknown))}")
    before = {**_snapshot(ritual),
              "attendees": _slugs(ritual.attendees.all())}
    was_active = ritual.active
    for name, value in fields.items():
        if name in {"name", "output"}:
            value = (value or "").strip()
        setattr(ritual, name, value)
    if "agenda" in fields:
        ritual.agenda_html = rendering.render(ritual.agenda or "")
    old_start = ritual.schedule_start
    reactivated = ritual.active and not was_active
    if set(fields) & SCHEDULE_FIELDS or reactivated:
        ritual.schedule_start = now
    new_attendees = list(attendees) if attendees is not None else None
    _validate(ritual, new_attendees or [])
    # Compared after validation, which normalizes the rule's spelling.
    schedule_changed = reactivated or any(
        before[name] != getattr(ritual, name) for name in SCHEDULE_FIELDS
    )
    if not schedule_changed:
        ritual.schedule_start = old_start
    after = {**_snapshot(ritual),
             "attendees": _slugs(new_attendees) if new_attendees is not None
             else before["attendees"]}
    changes = audit.changes_between(before, after)
    if not changes:
        return ritual
    if set(changes) - HANDED_OVER:
        governance.refuse_governed(ritual, ritual.governed)
    ritual.sequence += 1
    ritual.updated_at = now
    ritual.save()
    search.refresh_vectors(Ritual, [ritual.pk])
    if new_attendees is not None:
        ritual.attendees.set(new_attendees)
    if schedule_changed or not ritual.active:
        Occurrence.objects.filter(
            ritual=ritual, status=Status.SCHEDULED, scheduled_for__gte=now
        ).delete()
    if ritual.active:
        materialize(ritual=ritual, now=now)
    audit.record(actor=actor, door=door, action="update", obj=ritual, changes=changes)
    events.emit("ritual.changed", {**payloads.ritual_payload(ritual), "change": "updated",
                                     "changed": sorted(changes)})
    return ritual


@transaction.atomic
def rituals_give_owner_person(*, rituals, owner_person, actor, door, now=None):
    """Name ``owner_person`` (or nobody) as the owning person of each of ``rituals``: the
    hand-over's and the departure's move. Only the owner changes, so no schedule is
    checked or re-made: one statement for all of them, one audit entry and one
    ``ritual.changed`` event each, whatever their number. The caller has checked that
    ``owner_person`` can sign in, under the hand-over's lock on that person."""
    rituals = list(rituals)
    for ritual in rituals:
        policy.require_change(actor, ritual)
    if not rituals:
        return rituals
    now = now or _now()
    Ritual.objects.filter(pk__in=[r.pk for r in rituals]).update(
        owner_person=owner_person, sequence=F("sequence") + 1, updated_at=now)
    who = owner_person.get_username() if owner_person else None
    audit.record_many(actor=actor, door=door, action="update", changes_by_object=[
        (r, {"owner_person": [r.owner_person.get_username() if r.owner_person_id else None,
                              who]}) for r in rituals])
    for ritual in rituals:
        ritual.owner_person = owner_person
    events.emit_many("ritual.changed", (
        {**payloads.ritual_payload(r), "change": "updated", "changed": ["owner_person"]}
        for r in rituals))
    return rituals


@transaction.atomic
def ritual_delete(*, ritual, actor, door):
    """Delete a ritual that has no recorded history; one with history is deactivated
    instead, so the record of what was held stays."""
    ritual = policy.locked_for_change(actor, ritual)
    refuse_archived(ritual, ritual.archived_at)
    governance.refuse_governed(ritual, ritual.governed)
    if ritual.occurrences.exclude(status=Status.SCHEDULED).exists():
        raise ValidationError({"active": "This ritual has a recorded history: deactivate it "
                                         "(active = false) instead of deleting it."})
    payload = {**payloads.ritual_payload(ritual), "change": "deleted"}
    audit.record(actor=actor, door=door, action="delete", obj=ritual,
                 changes=audit.changes_between(_snapshot(ritual), {}))
    ritual.delete()
    events.emit("ritual.changed", payload)


@transaction.atomic
def ritual_archive(*, ritual, actor, door, at=None):
    """Set a ritual aside, readable and read-only, when its model is replaced: it stops
    (its future scheduled occurrences go), and what was held stays. Returns the ritual."""
    policy.require_administer(actor)
    ritual = Ritual.objects.select_for_update().get(pk=ritual.pk)
    refuse_archived(ritual, ritual.archived_at)
    now = at or _now()
    was_active = ritual.active
    ritual.archived_at = now
    ritual.active = False
    ritual.sequence += 1
    ritual.updated_at = now
    ritual.save(update_fields=["archived_at", "active", "sequence", "updated_at"])
    Occurrence.objects.filter(ritual=ritual, status=Status.SCHEDULED,
                              scheduled_for__gte=now).delete()
    audit.record(actor=actor, door=door, action="archive", obj=ritual,
                 changes={"archived_at": [None, now.isoformat()],
                          **({"active": [True, False]} if was_active else {})})
    return ritual


@transaction.atomic
def rituals_follow_fiscal_year(*, moves, actor, door, now=None):
    """Put the rituals a new fiscal start month moved (``moves``, from
    ``selectors.rituals_moved_by_fiscal_year``, read before the change) on the new
    quarters: their future ``scheduled`` occurrences are replaced, recorded ones stay, and
    calendars are told (``SEQUENCE`` raised). Call it once the new month is in force.
    RevOps leads only. Returns the rituals."""
    policy.require_administer(actor)
    now = now or _now()
    rituals = list(Ritual.objects.select_for_update().filter(
        pk__in=[m.ritual.pk for m in moves]).order_by("pk"))
    before = {m.ritual.pk: m.next_now for m in moves}
    Occurrence.objects.filter(ritual__in=rituals, status=Status.SCHEDULED,
                              scheduled_for__gte=now).delete()
    for ritual in rituals:
        ritual.sequence += 1
        ritual.updated_at = now
        ritual.save(update_fields=["sequence", "updated_at"])
    materialize_many(rituals=rituals, now=now)
    for ritual in rituals:
        upcoming = ritual.schedule().between(now, now + rules.WINDOW)
        was = before[ritual.pk]
        audit.record(actor=actor, door=door, action="update", obj=ritual, changes={
            "next_occurrence": [was.isoformat() if was else None,
                                upcoming[0].isoformat() if upcoming else None]})
        events.emit("ritual.changed", {**payloads.ritual_payload(ritual), "change": "updated",
                                         "changed": ["next_occurrence"]})
    return rituals
