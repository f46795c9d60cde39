"""Every write to the run book. Views, the API, the console, tasks and commands (and
the cadence app, when a ritual is held) call these; each checks its input, writes in
one transaction, records the audit entry and queues its webhook and e-mail on commit.
"""

import copy
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from revops import audit, events, jsonrows, notify, policy, rendering
from revops.errors import Refused, refuse_archived
from revops.models import Function
from revops.words import counted, plural
from runbook import documents, rules, search, selectors
from runbook.documents import RevisionConflict  # noqa: F401 — callers catch it here
from runbook.models import (
    MAX_FORMULA_CHARS,
    MAX_REASON_CHARS,
    ONE_OPEN_CONCERN,
    Agreement,
    Concern,
    Definition,
    DefinitionReview,
    DefinitionRevision,
    DefinitionStaleFlag,
    FreshnessSnapshot,
    Release,
    ReleaseSection,
    Review,
    ReviewState,
    Revision,
    Runbook,
    Section,
    SectionKind,
    StaleFlag,
)
from runbook.outlines import DEFAULT_OWNERS, OUTLINES


def _refuse_archived(obj, runbook_id):
    """Refuse (409) any write to a run book, or to what is in it, once it is archived:
    read from the database, so a stale instance cannot slip past."""
    refuse_archived(obj, Runbook.objects.filter(pk=runbook_id)
                    .values_list("archived_at", flat=True).first())


def _section_payload(section):
    return _payload(id=section.pk, runbook=section.runbook_id, kind=section.kind,
                    title=section.title, owner=section.owner.slug, revision=section.revision)


def _payload(*, id, runbook, kind, title, owner, revision):  # noqa: A002 — the wire name
    """What every ``section.*`` webhook says about the section."""
    return {"id": id, "runbook": runbook, "kind": kind, "title": title, "owner": owner,
            "revision": revision}


# Run books ------------------------------------------------------------------------------


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
    _refuse_archived(runbook, runbook.pk)
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


# Sections -------------------------------------------------------------------------------


def _apply_section_changes(section, *, title=None, owner=None):
    if title is not None:
        if not title.strip():
            raise ValidationError({"title": "The title cannot be empty."})
        section.title = title.strip()
    if owner is not None:
        section.owner = owner
    section.full_clean()


def validate_section_update(*, section, title=None, owner=None):
    """The checks ``section_update`` makes, without writing anything (forms call this in
    ``clean()``). Raises a ValidationError keyed by field."""
    _apply_section_changes(copy.copy(section), title=title, owner=owner)


@transaction.atomic
def section_update(*, section, actor, door, title=None, owner=None):
    """Rename a section or hand it to another function."""
    section = policy.locked_for_change(actor, section, lock=documents.lock)
    if owner is not None and owner.pk != section.owner_id:
        policy.require_hand_over(actor)
    _refuse_archived(section, section.runbook_id)
    fields = ["title", "owner"]
    before = audit.snapshot(section, fields)
    _apply_section_changes(section, title=title, owner=owner)
    section.save(update_fields=["title", "owner"])
    changes = audit.changes_between(before, audit.snapshot(section, fields))
    if "title" in changes:
        search.refresh_sections([section.pk])
    if changes:
        audit.record(actor=actor, door=door, action="update", obj=section, changes=changes)
    return section


@transaction.atomic
def section_revise(
    *, section, body, base_revision, actor, door, summary="", mark_reviewed=True, note="",
    at=None,
):
    """Append a revision written on top of ``base_revision``.

    If the section has moved on since, nothing is written and ``RevisionConflict``
    carries the current revision so the writer can merge. With ``mark_reviewed`` the
    save also counts as a review of the new revision.
    """
    section = policy.locked_for_change(actor, section, lock=documents.lock)
    _refuse_archived(section, section.runbook_id)
    revision = documents.append_revision(
        document=section, revisions=Revision, body=body, base_revision=base_revision,
        actor=actor, door=door, summary=summary, at=at)
    summary = revision.summary
    search.refresh_sections([section.pk])
    audit.record(
        actor=actor,
        door=door,
        action="revise",
        obj=section,
        changes={"revision": [base_revision, revision.number], "summary": summary},
    )
    author = audit.user_or_none(actor)
    events.emit(
        "section.revised",
        {
            **_section_payload(section),
            "summary": summary,
            "base_revision": base_revision,
            "by": author.get_username() if author else None,
        },
    )
    if mark_reviewed:
        section_review(
            section=section, actor=actor, door=door, note=note or summary, revision=revision,
            at=at,
        )
    else:
        _answer_concerns(section, answer=summary, by=author, at=revision.created_at)
    return revision


@transaction.atomic
def section_review(*, section, actor, door, note="", revision=None, at=None, ritual=None):
    """Record that ``actor`` read the section and it is still true: stamps the last
    review (date, who, which revision), closes the open stale flag (and so its
    escalation), if any, and answers the open concerns with the review's note.
    ``at`` back-dates the review (imports, the demo). ``ritual`` is the ritual whose
    occurrence is being recorded as held, when the review comes from one."""
    section = policy.locked_for_review(actor, section, lock=documents.lock, ritual=ritual)
    _refuse_archived(section, section.runbook_id)
    review, number, closed, stamp = documents.record_review(
        document=section, reviews=Review, flags=StaleFlag, actor=actor, door=door, note=note,
        revision=revision, at=at)
    now = review.reviewed_at
    answered = _answer_concerns(section, answer=review.note, by=review.reviewer, at=now)
    audit.record(
        actor=actor,
        door=door,
        action="review",
        obj=section,
        changes={
            **stamp,
            "note": review.note,
            "stale_flag_closed": bool(closed),
            "concerns_answered": answered,
        },
    )
    events.emit(
        "section.reviewed",
        {
            **_section_payload(section),
            "reviewed_revision": number,
            "reviewed_at": review.reviewed_at,
            "by": review.reviewer.get_username() if review.reviewer else None,
            "note": review.note,
        },
    )
    return review


# Concerns -------------------------------------------------------------------------------


def validate_reason(reason):
    """A concern's reason: plain text, 1 to ``MAX_REASON_CHARS`` characters."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say what looks out of date."})
    if len(reason) > MAX_REASON_CHARS:
        raise ValidationError({"reason": f"The reason is {len(reason)} characters; keep it "
                                         f"under {MAX_REASON_CHARS}."})
    return reason


@transaction.atomic
def concern_raise(*, section, reason, actor, door):
    """A reader says the section looks out of date. Anyone signed in may; each person
    holds at most one open concern per section (the database refuses a second: a
    ValidationError on ``reason``). The owner's head is told."""
    policy.require_raise_concern(actor)
    _refuse_archived(section, section.runbook_id)
    reason = validate_reason(reason)
    raiser = audit.user_or_none(actor)
    concern = Concern(section=section, reason=reason, raised_by=raiser, door=door)
    concern.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            concern.save()
    except IntegrityError:  # the section and the person exist: it is the one-open rule
        raise ValidationError({"reason": ONE_OPEN_CONCERN}) from None
    audit.record(actor=actor, door=door, action="raise_concern", obj=concern,
                 changes={"section": section.pk, "reason": reason})
    by = raiser.get_username() if raiser else None
    events.emit("section.concern_raised", {
        **_section_payload(section), "concern": concern.pk, "reason": reason, "by": by,
        "raised_at": concern.raised_at,
    })
    owner = Function.objects.select_related("head", "deputy").get(pk=section.owner_id)
    notify.email_function(
        owner, f"A reader says “{section.title}” looks out of date",
        f"{by or 'Someone'} raised a concern about “{section.title}” in the run book "
        f"“{section.runbook.title}” ({owner.name} owns it):\n\n{reason}\n\n"
        f"Read it and review or revise it; the review's note is their answer:\n"
        f"{_section_urls()(section.pk)}\n",
    )
    return concern


def _answer_concerns(section, *, answer, by, at):
    """Answer every open concern on ``section`` (a review or a new revision did): stamp
    it, fire ``section.concern_resolved`` and tell each person who raised one.
    Returns how many were answered."""
    concerns = list(Concern.objects.filter(section=section, resolved_at__isnull=True)
                    .select_related("raised_by"))
    if not concerns:
        return 0
    Concern.objects.filter(pk__in=[c.pk for c in concerns]).update(
        resolved_at=at, resolved_by=by, answer=answer)
    by_name = by.get_username() if by else None
    events.emit_many("section.concern_resolved", (
        {**_section_payload(section), "concern": c.pk, "reason": c.reason,
         "answer": answer, "by": by_name, "resolved_at": at}
        for c in concerns
    ))
    for c in concerns:
        if c.raised_by is not None:
            notify.send(
                [c.raised_by.email], f"Your concern about “{section.title}” was answered",
                f"You said “{section.title}” looked out of date:\n\n{c.reason}\n\n"
                f"{by_name or 'The owner'} has since reviewed or revised it"
                + (f" and answered:\n\n{answer}\n\n" if answer else ".\n\n")
                + f"{_section_urls()(section.pk)}\n",
            )
    return len(concerns)


# Releases -------------------------------------------------------------------------------


@transaction.atomic
def release_create(*, runbook, name, actor, door, note="", today=None):
    """Cut v(N+1) of the run book: pin each section's current revision and record its
    review state. Stale or never-reviewed sections are allowed; they are listed in
    ``release.warnings`` so the caller can say so."""
    policy.require_administer(actor)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Give the release a name, e.g. “2026-Q3 refresh”."})
    if len(name) > 120:
        raise ValidationError({"name": "Keep the name under 120 characters."})
    runbook = Runbook.objects.select_for_update().get(pk=runbook.pk)
    refuse_archived(runbook, runbook.archived_at)
    if Release.objects.filter(runbook=runbook, name__iexact=name).exists():
        raise ValidationError({"name": f"This run book already has a release named “{name}”."})
    release = Release(
        runbook=runbook,
        number=runbook.version + 1,
        name=name,
        note=(note or "").strip(),
        created_by=audit.user_or_none(actor),
    )
    release.full_clean(validate_constraints=False)
    release.save()
    runbook.version = release.number
    runbook.save(update_fields=["version"])

    today = today or timezone.localdate()
    sections = list(selectors.sections_with_state(runbook=runbook, today=today))
    revisions = selectors.current_revisions(sections)
    ReleaseSection.objects.bulk_create(
        [
            ReleaseSection(
                release=release,
                section=s,
                revision=revisions.get(s.pk),
                review_state=s.review_state,
                last_reviewed_on=s.last_reviewed_on,
                last_reviewed_by_name=(
                    s.last_reviewed_by.get_username() if s.last_reviewed_by else ""
                ),
                last_reviewed_revision=s.last_reviewed_revision,
            )
            for s in sections
        ]
    )
    search.refresh_releases([release.pk])
    release.warnings = [
        {"section": s.pk, "kind": s.kind, "review_state": s.review_state}
        for s in sections
        if rules.counts_as_stale(s.review_state)
    ]
    audit.record(
        actor=actor,
        door=door,
        action="release",
        obj=release,
        changes={"number": release.number, "name": name, "warnings": [None, release.warnings]},
    )
    events.emit(
        "release.created",
        {
            "id": release.pk,
            "runbook": runbook.pk,
            "number": release.number,
            "name": name,
            "warnings": release.warnings,
        },
    )
    return release


# Stale flags ----------------------------------------------------------------------------


@dataclass(frozen=True)
class NewFlag:
    """A stale flag the scan just raised, with what its e-mail and webhook need about
    the section: plain values read in one query, no model instances."""

    pk: int
    section_id: int
    state: str
    last_reviewed_on: object
    kind: str
    title: str
    runbook_id: int
    runbook_title: str
    owner_id: int
    owner_slug: str
    owner_name: str
    revision: int

    @property
    def section_label(self):
        """What ``str(section)`` says: "run book · section"."""
        return f"{self.runbook_title} · {self.title}"


@dataclass
class FlagResult:
    newly_flagged: list = field(default_factory=list)
    already_flagged: int = 0
    definitions_flagged: list = field(default_factory=list)
    closed: int = 0  # open flags (of sections and definitions) the rule no longer backs

    def __str__(self):
        said = f"newly flagged: {len(self.newly_flagged)}, already flagged: {self.already_flagged}"
        if self.definitions_flagged:
            said += f", definitions newly flagged: {len(self.definitions_flagged)}"
        if self.closed:
            said += f", closed as no longer stale: {self.closed}"
        return said


_CANDIDATE_COLUMNS = ("pk", "last_reviewed_on", "kind", "title", "runbook_id", "runbook__title",
                      "owner_id", "owner__slug", "owner__name", "revision")


@transaction.atomic
def flag_stale_sections(*, door, today=None, actor=None, threshold=None, start_month=None,
                        at=None):
    """Open a stale flag on every stale or never-reviewed section that has none open.

    Set-based, and without a model instance per section: one read of the sections to
    flag (``NOT EXISTS`` an open flag, locked so that a review running at the same time
    either lands first and the section is no longer stale, or waits for the scan), one
    count of those already flagged, then ``INSERT … SELECT`` of the flags and of their
    audit entries. Two scans at once cannot flag a section twice: the partial unique
    index refuses it and the insert skips the conflict (``ON CONFLICT DO NOTHING``).
    Each new flag fires ``section.stale`` (payloads are built only when a webhook is
    subscribed), and each recipient — the owner's head, or RevOps' head — gets one
    e-mail listing all of their newly stale sections. ``at`` back-dates the flags (the
    demo). The day's freshness snapshot is recorded first (the counts do not depend on
    the flags).
    """
    policy.require_administer(actor)
    today = today or timezone.localdate()
    now = at or timezone.now()
    freshness_snapshot_record(today=today, threshold=threshold, start_month=start_month)
    cutoff = rules.stale_cutoff(today, threshold=threshold, start_month=start_month)
    result = FlagResult(
        closed=sum(_close_unbacked_flags(flags, cutoff=cutoff, today=today, now=now,
                                         actor=actor, door=door)
                   for flags in (StaleFlag, DefinitionStaleFlag)),
        definitions_flagged=_flag_stale_definitions(cutoff=cutoff, today=today, now=now,
                                                    actor=actor, door=door),
    )
    stale = _stale(Section, cutoff).live()
    open_flag = StaleFlag.objects.filter(section=OuterRef("pk"), closed_at__isnull=True)
    candidates = {
        row[0]: row
        for row in stale.filter(~Exists(open_flag)).select_for_update(of=("self",))
        .order_by("pk").values_list(*_CANDIDATE_COLUMNS)
    }
    result.already_flagged = stale.filter(Exists(open_flag)).count()
    if not candidates:
        return result
    raised = _insert_flags(StaleFlag, candidates.values(), now=now, today=today)
    flags = [
        NewFlag(flag_id, section_id, state, *candidates[section_id][1:])
        for flag_id, section_id, state in raised
    ]
    result.newly_flagged = flags
    result.already_flagged += len(candidates) - len(flags)  # another scan was quicker
    if not flags:
        return result
    audit.record_rows(
        actor=actor, door=door, action="flag_stale", at=now,
        object_type=StaleFlag._meta.label_lower,
        rows=[(f.pk, f"{f.section_label} stale since {today:%Y-%m-%d} (open)",
               {"section": f.section_id, "state": f.state,
                "last_reviewed_on": f.last_reviewed_on}) for f in flags],
    )
    events.emit_many("section.stale", (
        {
            **_payload(id=f.section_id, runbook=f.runbook_id, kind=f.kind, title=f.title,
                       owner=f.owner_slug, revision=f.revision),
            "flag": f.pk, "state": f.state, "stale_since": now,
            "last_reviewed_on": f.last_reviewed_on,
        }
        for f in flags
    ))
    _email_flags(flags)
    return result


def freshness_snapshot_record(*, today, threshold=None, start_month=None):
    """Record (or, on a second run that day, refresh) ``today``'s count of fresh, due,
    stale and never-reviewed sections: two queries whatever the number of sections, the
    write one upsert on the unique day, so two scans at once leave one row.

    A measurement, not a change anyone made: no audit entry and no event."""
    counts = selectors.freshness_counts(today=today, threshold=threshold,
                                        start_month=start_month)
    FreshnessSnapshot.objects.bulk_create(
        [FreshnessSnapshot(day=today, recorded_at=timezone.now(), **counts)],
        update_conflicts=True, unique_fields=["day"],
        update_fields=[*counts, "recorded_at"],
    )
    return counts


def _stale(documents_model, cutoff):
    """The documents the rule calls stale or never reviewed (``rules.stale_cutoff``)."""
    return documents_model.objects.filter(
        Q(last_reviewed_on__isnull=True) | Q(last_reviewed_on__lt=cutoff))


def _close_unbacked_flags(flags, *, cutoff, today, now, actor, door):
    """Close every open flag (``flags``: a flag model) on a document the rule no longer
    calls stale on ``today`` — raised by a scan run for a later day, or before the
    threshold changed — with an audit entry each. A review closes a flag in the same
    transaction, so only such flags are left. Returns how many were closed."""
    key = flags.document_key
    unbacked = {
        row[0]: row for row in flags.objects.filter(
            closed_at__isnull=True, **{f"{key}__last_reviewed_on__gte": cutoff})
        .select_for_update(of=("self",)).order_by("pk")
        .values_list("pk", f"{key}_id", f"{key}__last_reviewed_on", "raised_on")
    }
    if not unbacked:
        return 0
    flags.objects.filter(pk__in=unbacked, closed_at__isnull=True).update(closed_at=now)
    audit.record_rows(
        actor=actor, door=door, action="close_stale_flag", at=now,
        object_type=flags._meta.label_lower,
        rows=[(pk, f"{flags._meta.verbose_name} {pk} raised {raised_on:%Y-%m-%d} (closed)",
               {key: document_id, "last_reviewed_on": reviewed_on,
                "reason": f"not stale on {today:%Y-%m-%d}"})
              for pk, document_id, reviewed_on, raised_on in unbacked.values()],
    )
    return len(unbacked)


def _flag_stale_definitions(*, cutoff, today, now, actor, door):
    """Open a flag on every stale or never-reviewed definition that has none open, as
    for sections: the same insert, an audit entry and a ``definition.stale`` event each,
    and one e-mail per owner's head. Returns the flags raised as ``(flag id, definition
    id, state)``."""
    open_flag = DefinitionStaleFlag.objects.filter(definition=OuterRef("pk"),
                                                   closed_at__isnull=True)
    candidates = {
        row[0]: row for row in _stale(Definition, cutoff).filter(~Exists(open_flag))
        .select_for_update(of=("self",)).order_by("pk")
        .values_list("pk", "last_reviewed_on", "term", "slug", "layer", "owner_id",
                     "owner__slug", "revision")
    }
    if not candidates:
        return []
    raised = _insert_flags(DefinitionStaleFlag, candidates.values(), now=now, today=today)
    if not raised:
        return []
    audit.record_rows(
        actor=actor, door=door, action="flag_stale", at=now,
        object_type=DefinitionStaleFlag._meta.label_lower,
        rows=[(pk, f"{candidates[d][2]} stale since {today:%Y-%m-%d} (open)",
               {"definition": d, "state": state, "last_reviewed_on": candidates[d][1]})
              for pk, d, state in raised],
    )
    events.emit_many("definition.stale", (
        {"id": d, "term": candidates[d][2], "slug": candidates[d][3], "layer": candidates[d][4],
         "owner": candidates[d][6], "revision": candidates[d][7], "flag": pk, "state": state,
         "stale_since": now, "last_reviewed_on": candidates[d][1]}
        for pk, d, state in raised
    ))
    owners = Function.objects.select_related("head", "deputy").filter(
        pk__in={candidates[d][5] for _, d, _ in raised})
    recipients = notify.recipients_for_many(owners)
    by_recipient = defaultdict(list)
    for _, d, _ in raised:
        if to := recipients[candidates[d][5]]:
            by_recipient[tuple(to)].append(candidates[d])
    site = settings.REVOPS_SITE_URL.rstrip("/")
    for to, listed in by_recipient.items():
        notify.send(
            list(to), f"{counted(len(listed), 'definition')} went stale",
            "These shared definitions went stale today. Please read each one and mark it "
            "reviewed, or revise it:\n\n" + "".join(
                f"- “{row[2]}”: {site}{reverse('definitions:detail', args=[row[3]])}\n"
                for row in listed),
        )
    return raised


def _insert_flags(flags, candidates, *, now, today):
    """Raise a flag (``flags``: a flag model) on each candidate document, skipping one
    that has an open flag by now (another scan). ``candidates`` are rows starting with
    the document's id and last review date. Returns ``(flag id, document id, state)``
    of the flags raised."""
    key = f"{flags.document_key}_id"
    columns, source = jsonrows.select(
        {key: "bigint", "state": "text", "last_reviewed_on": "date"})
    sql = (
        f'INSERT INTO "{flags._meta.db_table}" (raised_at, raised_on, {key}, state, '
        f"last_reviewed_on) SELECT %s, %s, {columns} FROM {source} WHERE true "
        f"ON CONFLICT DO NOTHING RETURNING id, {key}, state"
    )
    rows = [{key: pk, "last_reviewed_on": reviewed_on,
             "state": ReviewState.NEVER if reviewed_on is None else ReviewState.STALE}
            for pk, reviewed_on, *_ in candidates]
    params = [connection.ops.adapt_datetimefield_value(now),
              connection.ops.adapt_datefield_value(today), jsonrows.param(rows)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return sorted(cursor.fetchall(), key=lambda row: row[1])


def _email_flags(flags):
    """One e-mail per recipient listing every section newly flagged for them."""
    owners = (Function.objects.select_related("head", "deputy")
              .filter(pk__in={f.owner_id for f in flags}))
    recipients = notify.recipients_for_many(owners)
    by_recipient = defaultdict(list)
    for f in flags:
        to = recipients[f.owner_id]
        if to:
            by_recipient[tuple(to)].append(f)
    for to, listed in by_recipient.items():
        _flag_email(listed, list(to))


def _section_urls():
    """A function giving a section's public address from its id. One reverse() for a
    whole list (66,000 of them were half the stale scan at 100k): every section's
    address is the same pattern around its id."""
    site = settings.REVOPS_SITE_URL.rstrip("/")
    before, after = reverse("runbook:section", args=[0]).rsplit("0", 1)
    return lambda section_id: f"{site}{before}{section_id}{after}"


def _flag_email(flags, to):
    url = _section_urls()
    lines = []
    for f in flags:
        when = (f"was last reviewed on {f.last_reviewed_on:%Y-%m-%d}" if f.last_reviewed_on
                else "has never been reviewed")
        lines.append(
            f"- “{f.title}” in the run book “{f.runbook_title}” {when} ({f.owner_name} owns it):\n"
            f"  {url(f.section_id)}\n"
        )
    subject = (f"Run book section is stale: {flags[0].title}" if len(flags) == 1
               else f"{len(flags)} run book sections are stale")
    notify.send(
        to, subject,
        "These run book sections went stale today. Please read each one and mark it "
        "reviewed, or revise it:\n\n" + "".join(lines),
    )


# Escalation -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Escalation:
    """A stale flag just escalated, with what its e-mail and webhook need."""

    flag: int
    section_id: int
    kind: str
    title: str
    runbook_id: int
    runbook_title: str
    owner_slug: str
    owner_name: str
    revision: int
    raised_on: object
    to: int


_ESCALATION_COLUMNS = ("pk", "section_id", "section__kind", "section__title",
                       "section__runbook_id", "section__runbook__title", "section__owner__slug",
                       "section__owner__name", "section__revision", "raised_on",
                       "section__owner_id")


@transaction.atomic
def escalate_stale_sections(*, accountable, fallback, door, today=None, actor=None,
                            after_days=None):
    """Escalate every open stale flag raised ``after_days`` (``REVOPS_ESCALATE_AFTER_DAYS``)
    or more days ago and not escalated yet, once per flag, to the function Accountable
    for its section's kind (``accountable``: ``{kind: function id}``), or to
    ``fallback`` (RevOps, whose people are the leads: they are told too) when that is
    the owner itself — see ``rules.escalation_target``; with no fallback such a flag is
    left alone.

    Set-based: one locked read of the flags, one ``UPDATE … FROM`` of them all that
    skips a flag escalated or closed meanwhile (so two runs at once escalate it once),
    one statement of audit entries, the ``section.escalated`` webhooks and one e-mail
    per recipient. Returns the escalations made."""
    policy.require_administer(actor)
    today = today or timezone.localdate()
    due = (StaleFlag.objects.filter(closed_at__isnull=True, escalated_at__isnull=True,
                                    section__runbook__archived_at__isnull=True,
                                    raised_on__lte=rules.escalation_cutoff(
                                        today, after_days=after_days))
           .select_for_update(of=("self",)).order_by("pk").values_list(*_ESCALATION_COLUMNS))
    candidates = {}
    for *row, owner_id in due:
        target = rules.escalation_target(kind=row[2], owner_id=owner_id,
                                         accountable=accountable, fallback=fallback)
        if target is not None:
            candidates[row[0]] = Escalation(*row, to=target)
    if not candidates:
        return []
    now = timezone.now()
    escalated = [candidates[pk] for pk in _mark_escalated(
        [(e.flag, e.to) for e in candidates.values()], now=now)]
    if not escalated:
        return []
    targets = Function.objects.select_related("head", "deputy").in_bulk({e.to for e in escalated})
    audit.record_rows(
        actor=actor, door=door, action="escalate", at=now,
        object_type=StaleFlag._meta.label_lower,
        rows=[(e.flag, f"{e.runbook_title} · {e.title} stale since {e.raised_on:%Y-%m-%d}",
               {"section": e.section_id, "escalated_to": targets[e.to].slug})
              for e in escalated],
    )
    events.emit_many("section.escalated", (
        {**_payload(id=e.section_id, runbook=e.runbook_id, kind=e.kind, title=e.title,
                    owner=e.owner_slug, revision=e.revision),
         "flag": e.flag, "stale_since": e.raised_on, "escalated_to": targets[e.to].slug,
         "escalated_at": now}
        for e in escalated
    ))
    _email_escalations(escalated, targets, leads_function=fallback)
    return escalated


def _mark_escalated(pairs, *, now, flags=StaleFlag):
    """Stamp each flag of ``(flag id, function id)`` in ``pairs`` (``flags``: the flag
    model), skipping any escalated or closed since they were read. Returns the ids of
    the flags stamped."""
    columns, source = jsonrows.columns_of({"flag": "bigint", "target": "bigint"})
    table = flags._meta.db_table
    sql = (
        f'UPDATE "{table}" SET escalated_at = %s, escalated_to_id = {columns["target"]} '
        f'FROM {source} WHERE "{table}".id = {columns["flag"]} '
        f'AND "{table}".escalated_at IS NULL AND "{table}".closed_at IS NULL '
        f'RETURNING "{table}".id'
    )
    rows = [{"flag": flag, "target": target} for flag, target in pairs]
    with connection.cursor() as cursor:
        cursor.execute(sql, [connection.ops.adapt_datetimefield_value(now), jsonrows.param(rows)])
        return sorted(row[0] for row in cursor.fetchall())


def _email_escalations(escalated, targets, *, leads_function):
    """One e-mail per recipient: the head of the function escalated to (for
    ``leads_function``, also every RevOps lead), listing the sections escalated to them."""
    recipients = notify.recipients_for_many(targets.values())
    leads = notify.leads_emails() if leads_function in targets else []
    by_recipient = defaultdict(list)
    for e in escalated:
        to = set(recipients[e.to])
        if e.to == leads_function:
            to.update(leads)
        for address in to:
            by_recipient[address].append(e)
    url = _section_urls()
    for address, listed in sorted(by_recipient.items()):
        lines = [
            f"- “{e.title}” in the run book “{e.runbook_title}” ({e.owner_name} owns it) has "
            f"been stale since {e.raised_on:%Y-%m-%d}; escalated to "
            f"{targets[e.to].name}:\n  {url(e.section_id)}\n"
            for e in listed
        ]
        subject = (f"Escalated: “{listed[0].title}” is still stale" if len(listed) == 1
                   else f"Escalated: {len(listed)} run book sections are still stale")
        notify.send(
            [address], subject,
            "These sections stayed stale after their owner was told. Your function is "
            "Accountable for their part of the operating model: please see that each is "
            "reviewed or revised.\n\n" + "".join(lines),
        )


# Definitions ----------------------------------------------------------------------------


def _definition_payload(definition):
    """What every ``definition.*`` webhook says about the definition."""
    return {"id": definition.pk, "term": definition.term, "slug": definition.slug,
            "layer": definition.layer, "owner": definition.owner.slug,
            "revision": definition.revision}


def _clean_term(term, *, exclude=None):
    term = " ".join((term or "").split())
    if not term:
        raise ValidationError({"term": "Name the term, e.g. “MQL”."})
    if len(term) > 80:
        raise ValidationError({"term": "Keep the term under 80 characters."})
    if "[" in term or "]" in term:
        raise ValidationError({"term": "A term cannot contain “[” or “]” (run-book text links "
                                       "it as [[term]])."})
    slug = slugify(term)
    if not slug or slug.isdigit() or slug == "new":
        # Its page is /definitions/<slug>/, beside /definitions/<id>/ and /definitions/new/.
        raise ValidationError({"term": "The term needs at least one letter, and cannot be "
                                       "“new”."})
    taken = Definition.objects.filter(Q(term__iexact=term) | Q(slug=slug))
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    if taken.exists():
        raise ValidationError({"term": f"A definition of “{term}” already exists."})
    return term, slug


def _clean_formula(formula):
    formula = " ".join((formula or "").split())
    if len(formula) > MAX_FORMULA_CHARS:
        raise ValidationError({"formula": f"Keep the formula under {MAX_FORMULA_CHARS} "
                                          f"characters."})
    return formula


@transaction.atomic
def definition_create(*, term, body, layer, owner, actor, door, formula="", agreeing=(),
                      section=None, summary="", at=None):
    """A new definition owned by ``owner``, its text as revision 1 (which counts as its
    first review). Leads may create one for any function, a head for the function they
    head. ``agreeing`` are the functions whose heads must confirm each revision."""
    policy.require_own(actor, owner)
    term, slug = _clean_term(term)
    definition = Definition(term=term, slug=slug, layer=layer or "", owner=owner,
                            section=section, formula=_clean_formula(formula),
                            created_at=at or timezone.now())
    definition.full_clean(exclude=["revision"], validate_constraints=False)
    documents.validate_body(body)
    definition.save()
    definition.agreeing.set(agreeing)
    revision = documents.append_revision(
        document=definition, revisions=DefinitionRevision, body=body, base_revision=0,
        actor=actor, door=door, summary=summary or "First wording", at=at,
        formula=definition.formula)
    search.refresh_definitions([definition.pk])
    audit.record(actor=actor, door=door, action="create", obj=definition, changes={
        **audit.snapshot(definition, ["term", "layer", "owner", "section", "formula"]),
        "agreeing": [None, sorted(f.slug for f in agreeing)]})
    _definition_review(definition=definition, actor=actor, door=door, note=revision.summary,
                       revision=revision, at=at)
    return definition


@transaction.atomic
def definition_update(*, definition, actor, door, term=None, layer=None, owner=None,
                      agreeing=None, section=Ellipsis):
    """Rename a definition, move it to another layer or section, change who must agree,
    or (leads only) hand it to another function. Its wording changes by revision."""
    definition = policy.locked_for_change(actor, definition, lock=documents.lock)
    if owner is not None and owner.pk != definition.owner_id:
        policy.require_hand_over(actor)
    fields = ["term", "slug", "layer", "owner", "section"]
    before = {**audit.snapshot(definition, fields),
              "agreeing": sorted(definition.agreeing.values_list("slug", flat=True))}
    if term is not None:
        definition.term, definition.slug = _clean_term(term, exclude=definition)
    if layer is not None:
        definition.layer = layer
    if owner is not None:
        definition.owner = owner
    if section is not Ellipsis:
        definition.section = section
    definition.full_clean(validate_constraints=False)
    definition.save(update_fields=["term", "slug", "layer", "owner", "section"])
    if agreeing is not None:
        definition.agreeing.set(agreeing)
    after = {**audit.snapshot(definition, fields),
             "agreeing": sorted(definition.agreeing.values_list("slug", flat=True))}
    changes = audit.changes_between(before, after)
    if "term" in changes:
        search.refresh_definitions([definition.pk])
    if changes:
        audit.record(actor=actor, door=door, action="update", obj=definition, changes=changes)
    return definition


@transaction.atomic
def definition_revise(*, definition, body, base_revision, actor, door, formula=None,
                      summary="", mark_reviewed=True, note="", at=None):
    """Append a revision of a definition's text (and formula: None keeps it) on top of
    ``base_revision``, exactly as ``section_revise`` does for a section (409 when it moved
    on). The agreements given so far stay in the history but no longer count: the
    definition shows "changed since agreed" until each agreeing head confirms again."""
    definition = policy.locked_for_change(actor, definition, lock=documents.lock)
    formula = definition.formula if formula is None else _clean_formula(formula)
    revision = documents.append_revision(
        document=definition, revisions=DefinitionRevision, body=body,
        base_revision=base_revision, actor=actor, door=door, summary=summary, at=at,
        formula=formula)
    definition.formula = formula
    definition.save(update_fields=["formula"])
    search.refresh_definitions([definition.pk])
    audit.record(actor=actor, door=door, action="revise", obj=definition, changes={
        "revision": [base_revision, revision.number], "summary": revision.summary,
        "formula": formula})
    author = audit.user_or_none(actor)
    events.emit("definition.revised", {
        **_definition_payload(definition), "summary": revision.summary,
        "base_revision": base_revision, "formula": formula,
        "by": author.get_username() if author else None})
    if mark_reviewed:
        _definition_review(definition=definition, actor=actor, door=door,
                           note=note or revision.summary, revision=revision, at=at)
    return revision


@transaction.atomic
def definition_review(*, definition, actor, door, note="", revision=None, at=None):
    """Record that ``actor`` read the definition and it is still true: the same stamp,
    rule and stale-flag closing as a section's review."""
    definition = policy.locked_for_review(actor, definition, lock=documents.lock,
                                          kind="definitions")
    return _definition_review(definition=definition, actor=actor, door=door, note=note,
                              revision=revision, at=at)


def _definition_review(*, definition, actor, door, note, revision, at):
    review, number, closed, stamp = documents.record_review(
        document=definition, reviews=DefinitionReview, flags=DefinitionStaleFlag, actor=actor,
        door=door, note=note, revision=revision, at=at)
    audit.record(actor=actor, door=door, action="review", obj=definition, changes={
        **stamp, "note": review.note, "stale_flag_closed": closed})
    events.emit("definition.reviewed", {
        **_definition_payload(definition), "reviewed_revision": number,
        "reviewed_at": review.reviewed_at,
        "by": review.reviewer.get_username() if review.reviewer else None, "note": review.note})
    return review


@transaction.atomic
def definition_agree(*, definition, actor, door, function=None, revision=None, at=None):
    """The head of an agreeing function confirms the definition's current revision for
    it (``function``: the one they head among the agreeing, when it is one). Agreeing to
    a revision that is no longer current is a 409, like a stale edit; agreeing twice to
    the same revision is a 400 on ``function``."""
    if function is None:
        function = _function_to_agree_for(definition, actor)
    policy.require_sign_off(actor, function)
    documents.lock(definition)
    if not definition.agreeing.filter(pk=function.pk).exists():
        raise ValidationError({"function": f"{function.name} is not one of the functions that "
                                           f"agree to “{definition.term}”."})
    if revision is not None and revision != definition.revision:
        current = DefinitionRevision.objects.filter(
            definition=definition, number=definition.revision).first()
        raise RevisionConflict(document=definition, base_revision=revision, current=current)
    if Agreement.objects.filter(definition=definition, function=function,
                                revision_number=definition.revision,
                                agreed_by=audit.user_or_none(actor)).exists():
        raise ValidationError({"function": f"{function.name} has already agreed to revision "
                                           f"{definition.revision}."})
    agreement = Agreement(definition=definition, function=function,
                          revision_number=definition.revision, agreed_at=at or timezone.now(),
                          agreed_by=audit.user_or_none(actor), door=door)
    agreement.full_clean(validate_constraints=False)
    agreement.save()
    audit.record(actor=actor, door=door, action="agree", obj=definition, changes={
        "function": function.slug, "revision": definition.revision})
    events.emit("definition.agreed", {
        **_definition_payload(definition), "function": function.slug,
        "agreed_revision": definition.revision, "agreed_at": agreement.agreed_at,
        "by": agreement.agreed_by.get_username() if agreement.agreed_by else None})
    return agreement


def _function_to_agree_for(definition, actor):
    """The agreeing function ``actor`` heads; a 400 on ``function`` when there is none
    or more than one to choose from."""
    headed = (list(definition.agreeing.filter(policy.seats_acted_for_q(actor)))
              if actor else [])
    if actor is not None and not headed:
        raise Refused(f"Only the head of a function that agrees to “{definition.term}” may "
                      f"agree to it.")
    if len(headed) != 1:
        raise ValidationError({"function": "Say which agreeing function you agree for."})
    return headed[0]


@transaction.atomic
def escalate_stale_definitions(*, accountable, fallback, door, today=None, actor=None,
                               after_days=None):
    """``escalate_stale_sections`` for definitions: the same cut-off and target rule
    (``accountable`` is keyed by layer, which a definition has as a section has its
    kind), the same once-per-flag stamp; an audit entry and a ``definition.escalated``
    event each, and one e-mail per head escalated to. Returns ``(flag id, definition
    id, term, slug, function id)`` of each escalation made."""
    policy.require_administer(actor)
    today = today or timezone.localdate()
    due = (DefinitionStaleFlag.objects.filter(
        closed_at__isnull=True, escalated_at__isnull=True,
        raised_on__lte=rules.escalation_cutoff(today, after_days=after_days))
        .select_for_update(of=("self",)).order_by("pk")
        .values_list("pk", "definition_id", "definition__term", "definition__slug",
                     "definition__layer", "definition__owner_id"))
    candidates = {}
    for pk, definition_id, term, slug, layer, owner_id in due:
        target = rules.escalation_target(kind=layer, owner_id=owner_id,
                                         accountable=accountable, fallback=fallback)
        if target is not None:
            candidates[pk] = (pk, definition_id, term, slug, target)
    if not candidates:
        return []
    now = timezone.now()
    escalated = [candidates[pk] for pk in _mark_escalated(
        [(e[0], e[-1]) for e in candidates.values()], now=now, flags=DefinitionStaleFlag)]
    if not escalated:
        return []
    targets = Function.objects.select_related("head", "deputy").in_bulk({e[-1] for e in escalated})
    audit.record_rows(
        actor=actor, door=door, action="escalate", at=now,
        object_type=DefinitionStaleFlag._meta.label_lower,
        rows=[(pk, f"{term} stale", {"definition": d, "escalated_to": targets[to].slug})
              for pk, d, term, _, to in escalated],
    )
    events.emit_many("definition.escalated", (
        {"id": d, "term": term, "slug": slug, "flag": pk, "escalated_to": targets[to].slug,
         "escalated_at": now}
        for pk, d, term, slug, to in escalated
    ))
    site = settings.REVOPS_SITE_URL.rstrip("/")
    for to, function in targets.items():
        listed = [e for e in escalated if e[-1] == to]
        notify.email_function(
            function, f"Escalated: {counted(len(listed), 'shared definition')} "
            f"{plural(len(listed), 'is', 'are')} still stale",
            "These definitions stayed stale after their owner was told. Your function is "
            "Accountable for their layer: please see that each is reviewed or revised.\n\n"
            + "".join(f"- “{term}”: {site}{reverse('definitions:detail', args=[slug])}\n"
                      for _, _, term, slug, _ in listed))
    return escalated
