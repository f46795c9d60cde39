"""Releases: a run book's numbered versions, each pinning one revision of every section."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from revops import audit, events, policy
from revops.errors import refuse_archived
from runbook import rules, search, selectors
from runbook.models import Release, ReleaseSection, Runbook


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
    in_runbook = selectors.sections_with_state(runbook=runbook, today=today)
    sections = list(in_runbook)
    revisions = selectors.current_revisions(in_runbook)
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
