"""Occurrences: recorded as held (reviewing run-book sections, with their outcome) or
skipped, and marked missed when nobody recorded them in time."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, DateTimeField, DurationField, ExpressionWrapper, F, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from cadence import rules
from cadence.models import Occurrence, Status
from cadence.services import outcomes, payloads, recaps
from revops import audit, events, policy, rendering
from revops.errors import refuse_archived
from runbook import services as runbook_services
from runbook.models import Section

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
                      present=(), decisions=(), actions=(), rating=None, now=None):
    """Record an occurrence as held or skipped, with notes. Recording it held with
    sections records a review of each section through the run book, which keeps their
    "last reviewed" stamps current. ``reviewed_sections=None`` means the default (the
    ritual's output section when held); ``[]`` reviews nothing.

    A held occurrence may carry its outcome (``cadence.services.outcomes``): the
    functions ``present``, ``decisions`` (dicts of ``text``, ``owner`` function,
    ``revisit_on``, ``link`` = ``(kind, item)``), ``actions`` (dicts of ``text``,
    ``owner`` person, ``due``) and a ``rating``. The whole record is checked before
    anything is written; the first time it is held, its recap is queued."""
    occurrence = policy.locked_for_change(actor, occurrence, lock=_lock_occurrence)
    now = now or timezone.now()
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
    present, decisions, actions = list(present), list(decisions), list(actions)
    errors.update(outcomes.outcome_errors(
        occurrence=occurrence, status=status, present=present, decisions=decisions,
        actions=actions, rating=rating))
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(occurrence, ["status", "notes", "rating"])
    occurrence.status = status
    occurrence.notes = notes or ""
    occurrence.notes_html = rendering.render(occurrence.notes)
    occurrence.recorded_at = now
    occurrence.recorded_by = audit.user_or_none(actor)
    occurrence.rating = rating
    occurrence.full_clean(exclude=["ritual", "scheduled_for"])
    occurrence.save()
    occurrence.reviewed_sections.set(sections)
    made_decisions, made_actions = outcomes.write_outcome(
        occurrence=occurrence, present=present, decisions=decisions, actions=actions,
        actor=actor, door=door, at=now)
    local = occurrence.local_time
    for section in sections:
        runbook_services.section_review(
            section=section, actor=actor, door=door, ritual=occurrence.ritual,
            note=f"Reviewed at “{occurrence.ritual.name}” on {local:%Y-%m-%d}.",
        )
    audit.record(actor=actor, door=door, action="record", obj=occurrence,
                 changes={**audit.changes_between(
                     before, audit.snapshot(occurrence, ["status", "notes", "rating"])),
                     "reviewed_sections": [None, [str(s) for s in sections]],
                     "present": [None, [f.slug for f in present]]})
    events.emit("occurrence.recorded", payloads.occurrence_payload(occurrence))
    if status == Status.HELD:
        recaps.queue_recap(occurrence=occurrence, decisions=made_decisions,
                           actions=made_actions, at=now)
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
    now = now or timezone.now()
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
        "layer": o.ritual.layer, "scheduled_for": o.scheduled_for, "status": o.status,
    } for o in due])
    return len(due)
