"""Every state change of the cadence: rituals, the occurrences they materialize,
recording, missed marking, reminders and calendar feed tokens.

Each service takes ``actor`` and ``door``, runs in one transaction, validates before it
writes (``ValidationError`` keyed by field, nothing written) and writes the audit entry;
webhooks and e-mails go out after commit.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, DateTimeField, DurationField, ExpressionWrapper, F, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from cadence import rules
from cadence.models import FeedToken, Occurrence, Ritual, Status
from revops import audit, events, fiscal, notify, policy, rendering, search
from revops.errors import refuse_archived
from revops.models import Function
from runbook import services as runbook_services
from runbook.models import Section

RITUAL_FIELDS = [
    "name", "horizon", "layer", "purpose", "owner", "owner_person", "duration_minutes",
    "output", "output_section", "agenda", "timezone", "rrule", "active", "reminder_lead",
    "grace",
]
SCHEDULE_FIELDS = {"horizon", "rrule", "timezone"}
BULK_BATCH = 2000


def _snapshot(ritual, fields=RITUAL_FIELDS):
    """The audit snapshot, with durations written as text (JSON has no timedelta)."""
    return {k: str(v) if isinstance(v, timedelta) else v
            for k, v in audit.snapshot(ritual, fields).items()}


def _slugs(functions):
    return sorted(f.slug for f in functions)


def _now():
    return timezone.now()


def _payload(ritual):
    return {
        "id": ritual.pk,
        "name": ritual.name,
        "horizon": ritual.horizon,
        "layer": ritual.layer,
        "owner": ritual.owner.slug if ritual.owner_id else None,
        "rrule": ritual.rrule,
        "timezone": ritual.timezone,
        "active": ritual.active,
        "url": f"{settings.REVOPS_SITE_URL.rstrip('/')}{ritual.get_absolute_url()}",
    }


def _occurrence_payload(occurrence):
    return {
        "id": occurrence.pk,
        "ritual": occurrence.ritual_id,
        "ritual_name": occurrence.ritual.name,
        "scheduled_for": occurrence.scheduled_for,
        "status": occurrence.status,
        "notes": occurrence.notes,
        "reviewed_sections": [s.pk for s in occurrence.reviewed_sections.all()],
    }


RULE_FIELDS = ["horizon", "rrule", "timezone", "duration_minutes", "grace", "reminder_lead"]
MAX_GRACE = timedelta(days=30)
MAX_REMINDER_LEAD = timedelta(days=14)


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
    events.emit("ritual.changed", {**_payload(ritual), "change": "created"})
    return ritual


@transaction.atomic
def ritual_update(*, ritual, actor, door, attendees=None, now=None, **fields):
    """Change a ritual. A new rule, zone or horizon (or reactivation) restarts the
    schedule now: future ``scheduled`` occurrences are replaced, recorded ones and past
    ones stay. Deactivating removes the future ``scheduled`` ones."""
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
    events.emit("ritual.changed", {**_payload(ritual), "change": "updated",
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
        {**_payload(r), "change": "updated", "changed": ["owner_person"]} for r in rituals))
    return rituals


@transaction.atomic
def ritual_delete(*, ritual, actor, door):
    """Delete a ritual that has no recorded history; one with history is deactivated
    instead, so the record of what was held stays."""
    ritual = policy.locked_for_change(actor, ritual)
    refuse_archived(ritual, ritual.archived_at)
    if ritual.occurrences.exclude(status=Status.SCHEDULED).exists():
        raise ValidationError({"active": "This ritual has a recorded history: deactivate it "
                                         "(active = false) instead of deleting it."})
    payload = {**_payload(ritual), "change": "deleted"}
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
        events.emit("ritual.changed", {**_payload(ritual), "change": "updated",
                                         "changed": ["next_occurrence"]})
    return rituals


# --- Materialization ----------------------------------------------------------------

def materialize(*, ritual, now=None, start=None):
    """Create the occurrences of ``ritual`` from ``start`` (default now) to now + 12
    months that do not exist yet. Never before the ritual's schedule started. Returns
    how many were created; running it again creates nothing."""
    return materialize_many(rituals=[ritual], now=now, start=start)


@transaction.atomic
def materialize_many(*, rituals, now=None, start=None):
    """``materialize`` for many rituals in a fixed number of queries (set-based: one read
    of what exists, bulk inserts; the unique constraint makes races harmless)."""
    now = now or _now()
    start = start or now
    end = now + rules.WINDOW
    wanted = []
    for ritual in rituals:
        if ritual.active:
            wanted.extend((ritual.pk, t) for t in ritual.schedule().between(start, end))
    if not wanted:
        return 0
    existing = set(
        Occurrence.objects.filter(
            ritual_id__in={pk for pk, _ in wanted}, scheduled_for__gte=start,
            scheduled_for__lt=end,
        ).values_list("ritual_id", "scheduled_for")
    )
    new = [
        Occurrence(ritual_id=pk, scheduled_for=t)
        for pk, t in wanted
        if (pk, t) not in existing
    ]
    Occurrence.objects.bulk_create(new, batch_size=BULK_BATCH, ignore_conflicts=True)
    return len(new)


def materialize_all(*, now=None):
    """The daily roll-forward: every active ritual's next 12 months."""
    rituals = list(Ritual.objects.live().filter(active=True))
    return materialize_many(rituals=rituals, now=now)


# --- Recording ----------------------------------------------------------------------

RECORDABLE = (Status.HELD, Status.SKIPPED)


def _lock_occurrence(occurrence):
    """The occurrence and its ritual, locked: the ritual's owner is the occurrence's."""
    return (Occurrence.objects.select_for_update().select_related("ritual")
            .get(pk=occurrence.pk))


def _sections_not_reviewable_by(actor, ritual, sections):
    """A ritual stamps its own output section; any other section it reviews must be one
    the recording person may review (the system, acting for nobody, may review all)."""
    return [s for s in sections if actor is not None
            and not policy.can_review(actor, s, ritual=ritual)]


def default_reviewed_sections(occurrence):
    """What recording ``occurrence`` as held reviews unless the recorder says otherwise:
    the ritual's output section. The same default on every door."""
    section = occurrence.ritual.output_section
    return [section] if section is not None else []


@transaction.atomic
def occurrence_record(*, occurrence, status, actor, door, notes="", reviewed_sections=None,
                      now=None):
    """Record an occurrence as held or skipped, with notes. Recording it held with
    sections records a review of each section through the run book, which keeps their
    "last reviewed" stamps current. ``reviewed_sections=None`` means the default (the
    ritual's output section when held); ``[]`` reviews nothing."""
    occurrence = policy.locked_for_change(actor, occurrence, lock=_lock_occurrence)
    now = now or _now()
    refuse_archived(occurrence, occurrence.ritual.archived_at)
    if reviewed_sections is None:
        reviewed_sections = (default_reviewed_sections(occurrence) if status == Status.HELD
                             else [])
    sections = list(reviewed_sections)
    errors = {}
    if status not in RECORDABLE:
        errors["status"] = [f"Record an occurrence as {' or '.join(RECORDABLE)}, "
                            f"not {status!r}."]
    tz = occurrence.ritual.tz
    if status == Status.HELD and (
        occurrence.scheduled_for.astimezone(tz).date() > now.astimezone(tz).date()
    ):
        errors["status"] = ["An occurrence can be recorded as held from its day on; "
                            "record a future one as skipped."]
    if any(not isinstance(s, Section) or s.pk is None for s in sections):
        errors["reviewed_sections"] = ["Unknown run-book section."]
    elif sections and status != Status.HELD:
        errors["reviewed_sections"] = ["Sections are reviewed only by an occurrence that "
                                       "was held."]
    elif foreign := _sections_not_reviewable_by(actor, occurrence.ritual, sections):
        errors["reviewed_sections"] = [
            "Besides the ritual's output section, you may review only sections your "
            "function owns: " + ", ".join(str(s) for s in foreign) + "."
        ]
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(occurrence, ["status", "notes"])
    occurrence.status = status
    occurrence.notes = notes or ""
    occurrence.notes_html = rendering.render(occurrence.notes)
    occurrence.recorded_at = now
    occurrence.recorded_by = audit.user_or_none(actor)
    occurrence.full_clean(exclude=["ritual", "scheduled_for"])
    occurrence.save()
    occurrence.reviewed_sections.set(sections)
    local = occurrence.local_time
    for section in sections:
        runbook_services.section_review(
            section=section, actor=actor, door=door, ritual=occurrence.ritual,
            note=f"Reviewed at “{occurrence.ritual.name}” on {local:%Y-%m-%d}.",
        )
    audit.record(actor=actor, door=door, action="record", obj=occurrence,
                 changes={**audit.changes_between(
                     before, audit.snapshot(occurrence, ["status", "notes"])),
                     "reviewed_sections": [None, [str(s) for s in sections]]})
    events.emit("occurrence.recorded", _occurrence_payload(occurrence))
    return occurrence


def _deadline():
    """SQL: the time after which an unrecorded occurrence counts as missed."""
    default = Case(
        *[When(ritual__horizon=h, then=Value(g, output_field=DurationField()))
          for h, g in rules.DEFAULT_GRACE.items()],
        default=Value(rules.OTHER_GRACE, output_field=DurationField()),
        output_field=DurationField(),
    )
    return ExpressionWrapper(
        F("scheduled_for") + Coalesce(F("ritual__grace"), default),
        output_field=DateTimeField(),
    )


@transaction.atomic
def mark_missed(*, now=None, actor=None, door="task"):
    """Mark ``missed`` every occurrence nobody recorded within its grace period, set-based:
    the due occurrences are locked (one recorded meanwhile no longer matches and is
    skipped), then one UPDATE, one audit INSERT and one webhook fan-out for them all.
    Returns how many were marked; a second run marks none."""
    policy.require_administer(actor)
    now = now or _now()
    due = list(
        Occurrence.objects.select_for_update(of=("self",))
        .filter(status=Status.SCHEDULED, scheduled_for__lt=now,
                ritual__archived_at__isnull=True)
        .annotate(deadline=_deadline())
        .filter(deadline__lt=now)
        .select_related("ritual")
    )
    if not due:
        return 0
    Occurrence.objects.filter(pk__in=[o.pk for o in due]).update(status=Status.MISSED)
    for occurrence in due:
        occurrence.status = Status.MISSED
    audit.record_many(
        actor=actor, door=door, action="missed", at=now,
        changes_by_object=[(o, {"status": [Status.SCHEDULED, Status.MISSED]}) for o in due],
    )
    events.emit_many("occurrence.missed", [{
        "id": o.pk, "ritual": o.ritual_id, "ritual_name": o.ritual.name,
        "scheduled_for": o.scheduled_for, "status": o.status,
    } for o in due])
    return len(due)


def _reminder_email(occurrence, fallback=None):
    ritual = occurrence.ritual
    local = occurrence.local_time
    link = f"{settings.REVOPS_SITE_URL.rstrip('/')}{occurrence.get_absolute_url()}"
    subject = f"Reminder: {ritual.name} at {local:%H:%M} ({ritual.timezone}) on {local:%a %d %b}"
    body = (f"{ritual.name} is scheduled for {local:%A %d %B %Y at %H:%M} "
            f"({ritual.timezone}), {ritual.duration_minutes} minutes.\n\n"
            f"Output: {ritual.output or '(none stated)'}\n\n{ritual.agenda}\n\n"
            f"Record it here afterwards: {link}\n")
    if ritual.owner_person_id and ritual.owner_person.email:
        notify.send([ritual.owner_person.email], subject, body)
    else:
        owner = ritual.owner if ritual.owner_id and ritual.owner.head_id else fallback
        notify.email_function(owner, subject, body)


def send_reminders(*, now=None):
    """E-mail the owner before each occurrence, once: the occurrence is claimed by
    stamping ``reminded_at`` in the same statement that checks it is unset, and the
    e-mail is queued in the outbox in that same transaction."""
    now = now or _now()
    due = list(
        Occurrence.objects.filter(
            status=Status.SCHEDULED, reminded_at__isnull=True, scheduled_for__gt=now,
            ritual__active=True,
        )
        .annotate(remind_at=ExpressionWrapper(F("scheduled_for") - F("ritual__reminder_lead"),
                                              output_field=DateTimeField()))
        .filter(remind_at__lte=now)
        .select_related("ritual", "ritual__owner", "ritual__owner__head",
                        "ritual__owner_person")
    )
    # The RevOps function stands in for owners without a head: looked up once per run.
    fallback = None
    if any(not (o.ritual.owner_person_id and o.ritual.owner_person.email)
           and not (o.ritual.owner_id and o.ritual.owner.head_id) for o in due):
        fallback = Function.objects.select_related("head", "deputy").filter(slug="revops").first()
    sent = 0
    for occurrence in due:
        with transaction.atomic():
            if Occurrence.objects.filter(pk=occurrence.pk, reminded_at__isnull=True).update(
                reminded_at=now
            ):
                _reminder_email(occurrence, fallback)
                sent += 1
    return sent


# --- Calendar feed tokens -----------------------------------------------------------

@transaction.atomic
def feed_token_create(*, user, actor, door):
    """A new calendar feed token for ``user``; earlier ones are revoked (one live link
    per person). Returns ``(token, raw)``: the raw value is shown once, never stored."""
    policy.require_manage_tokens_of(actor, user)
    now = _now()
    for old in FeedToken.objects.filter(user=user, revoked_at__isnull=True):
        feed_token_revoke(token=old, actor=actor, door=door)
    token, raw = FeedToken.issue(user=user, created_at=now)
    token.full_clean()
    token.save()
    audit.record(actor=actor, door=door, action="create", obj=token)
    return token, raw


@transaction.atomic
def feed_token_revoke(*, token, actor, door):
    policy.require_manage_tokens_of(actor, token.user_id)
    if token.revoked_at is None:
        token.revoked_at = _now()
        token.save(update_fields=["revoked_at"])
        audit.record(actor=actor, door=door, action="revoke", obj=token)
    return token


def feed_token_user(raw):
    """The user a raw feed token belongs to, or None (unknown, revoked, expired, inactive)."""
    token = FeedToken.authenticate(raw)
    return token.user if token else None
