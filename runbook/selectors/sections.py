"""Shared reads of the run book for pages, endpoints, the dashboard and the readiness
report. Each returns querysets that run a fixed number of queries however many
sections there are: the review state is computed in SQL from fiscal-quarter cut-offs.
"""

from django.core.exceptions import ValidationError
from django.db.models import (
    Case,
    CharField,
    Count,
    DateTimeField,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from runbook import diffs, rules
from runbook.models import (
    Concern,
    FreshnessSnapshot,
    Release,
    ReleaseSection,
    ReviewState,
    Revision,
    Runbook,
    Section,
    StaleFlag,
)


def live_runbooks():
    """The live model's run books (every one not archived), the default first: what every
    reader covers. A hybrid model has two."""
    return Runbook.objects.live().order_by("-is_default", "pk")


def archived_runbooks():
    """Archived run books, the most recently archived first."""
    return Runbook.objects.archived().order_by("-archived_at", "pk")


def default_runbook():
    """The default live run book, or the first live one, or None when there is none."""
    return live_runbooks().first()


def runbooks(*, include_archived=False):
    qs = Runbook.objects.all() if include_archived else Runbook.objects.live()
    return qs.order_by("-is_default", "title")


SWITCHER_SHOWN = 12


def runbook_switcher(current):
    """The run books a run book's page offers to switch to: the default first, then by
    title, at most ``SWITCHER_SHOWN`` (the current one among them even when it would
    fall past the cut), and how many live ones there are in all. Two queries whatever
    the size of the model; the whole list is a page of its own (``/runbook/all/``)."""
    shown = list(runbooks()[:SWITCHER_SHOWN])
    if current.pk not in {r.pk for r in shown} and current.archived_at is None:
        shown[-1:] = [current]
    return shown, Runbook.objects.live().count()


def several_runbooks():
    """Whether the live model has more than one run book: then every list names each
    section with its run book (``Section.full_title``)."""
    return live_runbooks().count() > 1


def label_sections(sections, *, several=None):
    """Set ``label`` on each section: its title, or, when the live model has several run
    books, its run book's name and its title. Returns the sections."""
    sections = list(sections)
    if several is None:
        several = several_runbooks()
    for section in sections:
        section.label = section.full_title if several else section.title
    return sections


def review_state_expression(today, *, threshold=None, start_month=None):
    """A SQL expression equal to ``rules.review_state(last_reviewed_on, today)``."""
    stale_before = rules.stale_cutoff(today, threshold=threshold, start_month=start_month)
    due_before = rules.due_cutoff(today, threshold=threshold, start_month=start_month)
    return Case(
        When(last_reviewed_on__isnull=True, then=Value(ReviewState.NEVER.value)),
        When(last_reviewed_on__lt=stale_before, then=Value(ReviewState.STALE.value)),
        When(last_reviewed_on__lt=due_before, then=Value(ReviewState.DUE.value)),
        default=Value(ReviewState.FRESH.value),
        output_field=CharField(),
    )


def open_flag_annotations(flags, state):
    """``stale_since`` (the open stale flag's raise time), ``escalated_at``,
    ``escalated_to`` (slug) and ``escalated_to_name`` of a document's open flag
    (``flags``: its flag model), as SQL. Only while ``state`` (its review state) counts as
    stale: a flag the rule no longer backs (opened by a scan run for a future day, say)
    is never shown beside a fresh or due badge, and the next scan closes it."""
    open_flag = flags.objects.filter(**{flags.document_key: OuterRef("pk")},
                                     closed_at__isnull=True)
    stale = Q(review_state__in=[ReviewState.STALE, ReviewState.NEVER])
    return {
        name: Case(When(stale, then=Subquery(open_flag.values(column)[:1])), default=None,
                   output_field=field)
        for name, column, field in (
            ("stale_since", "raised_at", DateTimeField()),
            ("escalated_at", "escalated_at", DateTimeField()),
            ("escalated_to", "escalated_to__slug", CharField()),
            ("escalated_to_name", "escalated_to__name", CharField()),
        )
    }


def open_concern_count():
    """A SQL expression: how many open concerns the section (``OuterRef("pk")``) has."""
    return Coalesce(Subquery(
        Concern.objects.filter(section=OuterRef("pk"), resolved_at__isnull=True)
        .order_by().values("section").annotate(n=Count("pk")).values("n"),
        output_field=IntegerField(),
    ), 0)


def sections_with_state(*, today, runbook=None, threshold=None, start_month=None,
                        include_archived=False):
    """Sections of the live model (of ``runbook`` alone when given, archived or not; of
    every run book with ``include_archived``) in run-book order with ``review_state``,
    ``stale_since`` (the open flag's raise time, or None), the open flag's escalation
    (``escalated_to``: the function's slug, ``escalated_to_name``, ``escalated_at``; None
    when not escalated)
    and ``open_concerns`` (a count) annotated; owner, head, reviewer and run book
    joined."""
    state = review_state_expression(today, threshold=threshold, start_month=start_month)
    qs = (
        Section.objects.select_related("runbook", "owner__head", "owner__deputy",
                                       "last_reviewed_by")
        .annotate(review_state=state, **open_flag_annotations(StaleFlag, state),
                  open_concerns=open_concern_count())
        .order_by("runbook_id", "position")
    )
    if runbook is not None:
        qs = qs.filter(runbook=runbook)
    elif not include_archived:
        qs = qs.live()
    return qs


def freshness_counts(*, today, threshold=None, start_month=None):
    """``{"fresh": n, "due": n, "stale": n, "never": n}`` over the live model's sections,
    in one query."""
    stale_before = rules.stale_cutoff(today, threshold=threshold, start_month=start_month)
    due_before = rules.due_cutoff(today, threshold=threshold, start_month=start_month)
    reviewed = Q(last_reviewed_on__isnull=False)
    return Section.objects.live().aggregate(
        fresh=Count("pk", filter=Q(last_reviewed_on__gte=due_before)),
        due=Count("pk", filter=Q(last_reviewed_on__gte=stale_before,
                                 last_reviewed_on__lt=due_before)),
        stale=Count("pk", filter=reviewed & Q(last_reviewed_on__lt=stale_before)),
        never=Count("pk", filter=Q(last_reviewed_on__isnull=True)),
    )


def freshness_history(*, since):
    """The daily freshness snapshots from ``since`` on, oldest first."""
    return FreshnessSnapshot.objects.filter(day__gte=since).order_by("day")


def sections_needing_review(*, today, runbook=None):
    """Stale, never-reviewed and due sections, in run-book order."""
    return sections_with_state(today=today, runbook=runbook).filter(
        review_state__in=[ReviewState.STALE, ReviewState.NEVER, ReviewState.DUE]
    )


def concerns_for(section):
    """A section's concerns, open ones first, then newest first; who raised and answered
    them joined."""
    return (Concern.objects.filter(section=section)
            .select_related("raised_by", "resolved_by")
            .order_by(F("resolved_at").desc(nulls_first=True), "-raised_at", "-id"))


def open_concerns_for(function):
    """The open concerns on the sections ``function`` owns (every open concern when it is
    None), oldest first, with section, run book, owner and raiser joined: what a head
    must answer (the dashboard and the Monday brief list them). Live model only."""
    concerns = (Concern.objects.filter(resolved_at__isnull=True,
                                       section__runbook__archived_at__isnull=True)
                .select_related("section__runbook", "section__owner", "raised_by")
                .order_by("raised_at", "id"))
    if function is not None:
        concerns = concerns.filter(section__owner=function)
    return concerns


def current_revision(section):
    return Revision.objects.filter(section=section, number=section.revision).first()


def revisions_for(section):
    return Revision.objects.filter(section=section).select_related("created_by").order_by("-number")


def revision(section, number):
    return Revision.objects.filter(section=section, number=number).first()


def reviews_for(section, limit=20):
    return section.reviews.select_related("reviewer").order_by("-reviewed_at", "-id")[:limit]


def releases_for(runbook):
    return runbook.releases.select_related("created_by").order_by("-number")


def release_entries(release):
    return release.entries.select_related("section", "revision").order_by("section__position")


def release_comparison(*, runbook, a, b):
    """Releases ``a`` and ``b`` (numbers) of ``runbook`` side by side, in two queries.

    A plain structure for the page and the API: each release's number, label and name,
    then per section in run-book order the revision each side pinned and the review
    state and stamp it recorded then, whether the text changed and the unified diff
    (empty when unchanged). A side is None for a section the release did not pin.
    Raises ``ValidationError`` keyed ``a``/``b`` for a number that is not a release.
    """
    # Releases are numbered 1 to the run book's version: nothing else is worth a query
    # (and a number too large for the column would make SQLite raise).
    wanted = [n for n in (a, b) if 0 < n <= runbook.version]
    releases = {r.number: r for r in Release.objects.filter(runbook=runbook, number__in=wanted)}
    errors = {key: _no_such_release(runbook, number)
              for key, number in (("a", a), ("b", b)) if number not in releases}
    if errors:
        raise ValidationError(errors)
    old, new = releases[a], releases[b]
    pinned = {old.pk: {}, new.pk: {}}
    sections = {}
    for entry in (
        ReleaseSection.objects.filter(release__in=[old, new])
        .select_related("section", "revision")
        .order_by("section__position")
    ):
        pinned[entry.release_id][entry.section_id] = entry
        sections[entry.section_id] = entry.section
    rows = []
    for section in sections.values():
        before = pinned[old.pk].get(section.pk)
        after = pinned[new.pk].get(section.pk)
        old_body, new_body = _pinned_body(before), _pinned_body(after)
        changed = old_body != new_body
        rows.append(
            {
                "section": section.pk,
                "kind": section.kind,
                "title": section.title,
                "a": _pinned_side(before),
                "b": _pinned_side(after),
                "changed": changed,
                "diff": diffs.unified(
                    old_body, new_body, old_label=f"{old.label}/{section.kind}",
                    new_label=f"{new.label}/{section.kind}",
                ) if changed else "",
            }
        )
    return {
        "runbook": runbook.pk,
        "a": _compared_release(old),
        "b": _compared_release(new),
        "sections": rows,
    }


def _no_such_release(runbook, number):
    if not runbook.version:
        return f"This run book has no releases yet (asked for v{number})."
    return f"This run book has no release v{number} (it has v1 to v{runbook.version})."


def _compared_release(release):
    return {"number": release.number, "version": release.label, "name": release.name}


def _pinned_body(entry):
    return entry.revision.body if entry and entry.revision else ""


def _pinned_side(entry):
    if entry is None:
        return None
    return {
        "revision": entry.revision.number if entry.revision else None,
        "review_state": entry.review_state,
        "last_reviewed_on": entry.last_reviewed_on,
        "last_reviewed_by": entry.last_reviewed_by_name,
        "last_reviewed_revision": entry.last_reviewed_revision,
    }


def current_revisions(documents, revisions=Revision):
    """``{document id: revision}`` for the current revision of each of ``documents`` (a
    queryset of sections or, with ``revisions=DefinitionRevision``, of definitions), in
    one query whose SQL is the same however many there are: each revision is matched to
    its document's current number in the database, not by a condition per document
    (SQLite refuses such an expression tree at a few thousand sections)."""
    name = documents.model._meta.model_name
    return {getattr(r, f"{name}_id"): r for r in revisions.objects.filter(
        **{f"{name}__in": documents.values("pk")}, number=F(f"{name}__revision"))}
