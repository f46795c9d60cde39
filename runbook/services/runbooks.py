"""Run books: made with their six sections, renamed, archived."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from revops import audit, governance, policy, rendering
from revops.errors import refuse_archived
from revops.models import Function
from runbook import search
from runbook.models import Revision, Runbook, Section, SectionKind, StaleFlag
from runbook.outlines import DEFAULT_OWNERS, OUTLINES


def refuse_archived_runbook(obj, runbook_id):
    """Refuse (409) any write to a run book, or to what is in it, once it is archived:
    read from the database, so a stale instance cannot slip past."""
    refuse_archived(obj, Runbook.objects.filter(pk=runbook_id)
                    .values_list("archived_at", flat=True).first())


def refuse_governed_section(section):
    """Refuse (409 ``governed``) a direct edit of a governed section: marked itself, or
    in a governed run book (read from the database, like the archived check)."""
    governance.refuse_governed(section, section.governed or Runbook.objects.filter(
        pk=section.runbook_id, governed=True).exists())


@transaction.atomic
def runbook_create(*, title, actor, door, motion="", is_default=False, at=None):
    """A new run book with its six sections in order, each holding a starter outline
    as revision 1 and owned per the layer's Accountable function. ``at`` back-dates the
    outlines (for imports and the demo)."""
    policy.require_administer(actor)
    runbook = Runbook(
        title=(title or "").strip(), motion=(motion or "").strip(),
        created_by=audit.user_or_none(actor),
    )
    if Runbook.objects.filter(title__iexact=runbook.title).exists():
        raise ValidationError({"title": "A run book with this title already exists."})
    runbook.full_clean(exclude=["is_default"])
    first = not Runbook.objects.exists()
    if is_default and not first:
        Runbook.objects.filter(is_default=True).update(is_default=False)
    runbook.is_default = bool(is_default or first)
    runbook.save()

    owners = {f.slug: f for f in Function.objects.filter(slug__in=set(DEFAULT_OWNERS.values()))}
    fallback = Function.objects.ordered().first()
    sections = []
    for position, kind in enumerate(SectionKind.values):
        owner = owners.get(DEFAULT_OWNERS[kind]) or fallback
        if owner is None:
            raise ValidationError("Create at least one function before creating a run book.")
        sections.append(
            Section(
                runbook=runbook,
                kind=kind,
                position=position,
                title=SectionKind(kind).label,
                owner=owner,
                revision=1,
            )
        )
    sections = Section.objects.bulk_create(sections)
    if any(s.pk is None for s in sections):  # backends that do not return ids
        sections = list(runbook.sections.order_by("position"))
    now = at or timezone.now()
    Revision.objects.bulk_create(
        [
            Revision(
                section=s,
                number=1,
                base_number=0,
                body=OUTLINES[s.kind],
                body_html=rendering.render(OUTLINES[s.kind]),
                summary="Starter outline",
                created_at=now,
                created_by=audit.user_or_none(actor),
                door=door,
            )
            for s in sections
        ]
    )
    search.refresh_sections([s.pk for s in sections])
    audit.record(
        actor=actor,
        door=door,
        action="create",
        obj=runbook,
        changes=audit.snapshot(runbook, ["title", "motion", "is_default"]),
    )
    return runbook


@transaction.atomic
def runbook_update(*, runbook, actor, door, title=None, motion=None, is_default=None):
    policy.require_administer(actor)
    refuse_archived_runbook(runbook, runbook.pk)
    fields = ["title", "motion", "is_default"]
    before = audit.snapshot(runbook, fields)
    if title is not None:
        title = title.strip()
        if Runbook.objects.filter(title__iexact=title).exclude(pk=runbook.pk).exists():
            raise ValidationError({"title": "A run book with this title already exists."})
        runbook.title = title
    if motion is not None:
        runbook.motion = motion.strip()
    if is_default:
        Runbook.objects.filter(is_default=True).exclude(pk=runbook.pk).update(is_default=False)
        runbook.is_default = True
    runbook.full_clean(exclude=["is_default"])
    runbook.save()
    changes = audit.changes_between(before, audit.snapshot(runbook, fields))
    if changes:
        audit.record(actor=actor, door=door, action="update", obj=runbook, changes=changes)
    return runbook


@transaction.atomic
def runbook_archive(*, runbook, actor, door, at=None):
    """Set a run book aside, readable and read-only, when its model is replaced: it is
    no longer the default, and its open stale flags are closed (an archived section is
    never scanned, escalated or briefed again). Returns the run book."""
    policy.require_administer(actor)
    runbook = Runbook.objects.select_for_update().get(pk=runbook.pk)
    refuse_archived(runbook, runbook.archived_at)
    now = at or timezone.now()
    runbook.archived_at = now
    runbook.is_default = False
    runbook.save(update_fields=["archived_at", "is_default"])
    closed = StaleFlag.objects.filter(section__runbook=runbook, closed_at__isnull=True).update(
        closed_at=now)
    audit.record(actor=actor, door=door, action="archive", obj=runbook,
                 changes={"archived_at": [None, now.isoformat()],
                          "stale_flags_closed": closed})
    return runbook
