"""Reads the model-wide pages need of the run book (hand-over, set-up, search, the pack),
so that ``overview`` reaches the run book's tables only through here."""

import operator
from dataclasses import dataclass
from functools import reduce

from django.contrib.postgres.aggregates import StringAgg
from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    Subquery,
)

from revops.summaries import summary
from runbook import rules
from runbook.models import (
    WRITTEN,
    Agreement,
    Definition,
    DefinitionRevision,
    Release,
    ReleaseSection,
    Revision,
    Runbook,
    Section,
)


def sections_of(*, runbooks):
    """The sections of ``runbooks``, with their run book."""
    return Section.objects.filter(runbook__in=runbooks).select_related("runbook")


def sections_of_runbook_titled(*, title):
    """The sections of the run book titled ``title``, with it."""
    return Section.objects.filter(runbook__title=title).select_related("runbook")


def _owned_off(owners_by_kind):
    """``{kind: function ids}`` → the live sections of those kinds owned by none of the
    kind's functions."""
    off = reduce(operator.or_, (Q(kind=kind) & ~Q(owner_id__in=list(ids))
                                for kind, ids in owners_by_kind.items()))
    return Section.objects.live().filter(off)


def live_sections_owned_off(*, owners_by_kind):
    """The live sections of the kinds in ``owners_by_kind`` (``{kind: function ids}``)
    whose owner is none of their kind's functions, as ``pk``, ``title``, ``kind``,
    ``runbook_title`` and ``owner_name`` in document order (run book title, run book,
    position): slice it to read only the first few."""
    return (_owned_off(owners_by_kind)
            .values("pk", "title", "kind", "owner_id", runbook_title=F("runbook__title"),
                    owner_name=F("owner__name"))
            .order_by("runbook__title", "runbook_id", "position", "pk"))


def live_sections_owned_off_counts(*, owners_by_kind):
    """``{(kind, owner id): number of sections}`` for the sections
    ``live_sections_owned_off`` lists, counted in one grouped query."""
    return {(row["kind"], row["owner_id"]): row["n"] for row in
            _owned_off(owners_by_kind).values("kind", "owner_id")
            .annotate(n=Count("pk")).order_by()}


@dataclass(frozen=True)
class SectionGaps:
    """How many live sections fail one readiness check, and the first of them named
    (``label``: the title, or "Run book · title" when the model has several)."""

    count: int
    labels: list


@dataclass(frozen=True)
class SectionReadiness:
    runbooks: int  # live run books
    sections: int  # their sections
    unwritten: SectionGaps  # the current revision is blank
    out_of_date: SectionGaps  # stale or never reviewed
    headless: SectionGaps  # owned by no function, or one without an active head


@summary
def section_readiness(*, today, shown):
    """The run-book checks of the readiness report over the whole live model in SQL: one
    count of run books, one aggregate over the sections and one count of the unwritten
    ones, and, for each check that fails, its first ``shown`` sections in document order
    — a fixed number of queries and rows whatever the model's size; kept until the model
    changes (``revops.summaries``)."""
    live = Section.objects.live()
    written = Exists(Revision.objects.filter(WRITTEN, section=OuterRef("pk"),
                                             number=OuterRef("revision")))
    cutoff = rules.stale_cutoff(today)
    failing = {
        "unwritten": ~written,
        "out_of_date": Q(last_reviewed_on__isnull=True) | Q(last_reviewed_on__lt=cutoff),
        "headless": Q(owner__isnull=True) | Q(owner__head__isnull=True)
        | Q(owner__head__is_active=False),
    }
    runbooks = Runbook.objects.live().count()
    counts = live.aggregate(sections=Count("pk"), **{
        name: Count("pk", filter=condition) for name, condition in failing.items()
        if name != "unwritten"})
    # Counted apart: in a WHERE clause PostgreSQL answers the NOT EXISTS with one
    # anti-join over the index of written revisions; in an aggregate's FILTER it probes
    # the index once per section (40 ms against 140–210 ms at 100,000 sections).
    counts["unwritten"] = live.filter(failing["unwritten"]).count()

    def gaps(name):
        if not counts[name]:
            return SectionGaps(0, [])
        rows = (live.filter(failing[name]).order_by("runbook_id", "position", "pk")
                .values_list("runbook__motion", "runbook__title", "title")[:shown])
        return SectionGaps(counts[name], [
            f"{_short_name(motion, book)} · {title}" if runbooks > 1 else title
            for motion, book, title in rows])

    return SectionReadiness(runbooks=runbooks, sections=counts["sections"],
                            **{name: gaps(name) for name in failing})


def _short_name(motion, title):
    """``Runbook.short_name`` from its columns."""
    return motion[:1].upper() + motion[1:] if motion else title


def live_section_counts(*, function_ids):
    """``{function id: how many live sections it owns}`` for ``function_ids``, in one
    query (a function owning none is left out)."""
    return dict(Section.objects.live().filter(owner_id__in=function_ids).order_by()
                .values_list("owner_id").annotate(n=Count("pk")).values_list("owner_id", "n"))


def live_sections_owned_by(*, function_ids):
    """The live model's sections owned by the functions ``function_ids`` (the seats a
    person holds: the ids themselves, so PostgreSQL counts their sections from its
    statistics, where a join on the head let it walk every run book), in document
    order, with their run book."""
    return (Section.objects.live().filter(owner_id__in=function_ids).select_related("runbook")
            .order_by("runbook__title", "position"))


def definitions_headed_by(*, person):
    """The definitions owned by a function ``person`` heads, with the owner, by term."""
    return (Definition.objects.filter(owner__head=person).select_related("owner")
            .order_by("term"))


def agreements_by(*, person):
    """Every agreement ``person`` gave, with definition and function, by term, the
    latest revision first."""
    return (Agreement.objects.filter(agreed_by=person).select_related("definition", "function")
            .order_by("definition__term", "-revision_number"))


def has_definitions():
    return Definition.objects.exists()


def definition_slugs():
    """The slugs of every definition: a term's slug is taken once."""
    return set(Definition.objects.values_list("slug", flat=True))


def definitions_by_slug(slugs):
    """``{slug: definition}`` of those of ``slugs`` that exist."""
    return {d.slug: d for d in Definition.objects.filter(slug__in=slugs)}


def release(*, runbook, number):
    """Release v``number`` of ``runbook``, or None."""
    return Release.objects.filter(runbook=runbook, number=number).first()


def sections_to_search(*, include_archived=False):
    """The sections search reads: the live model's, or every one."""
    return Section.objects.all() if include_archived else Section.objects.live()


def definitions_to_search():
    return Definition.objects.all()


def releases_to_search(*, include_archived=False):
    """The releases search reads: the live model's run books', or every one."""
    return Release.objects.all() if include_archived else Release.objects.filter(
        runbook__archived_at__isnull=True)


def current_body():
    """A section's current text, as an expression on a section queryset."""
    return Subquery(Revision.objects.filter(
        section=OuterRef("pk"), number=OuterRef("revision")).values("body")[:1])


def current_body_contains(term):
    """Whether a section's current text holds ``term`` (any case), as an expression."""
    return Exists(Revision.objects.filter(
        section=OuterRef("pk"), number=OuterRef("revision"), body__icontains=term))


def current_wording():
    """A definition's current wording, as an expression on a definition queryset."""
    return Subquery(DefinitionRevision.objects.filter(
        definition=OuterRef("pk"), number=OuterRef("revision")).values("body")[:1])


def current_wording_contains(term):
    """Whether a definition's current wording holds ``term`` (any case)."""
    return Exists(DefinitionRevision.objects.filter(
        definition=OuterRef("pk"), number=OuterRef("revision"), body__icontains=term))


def pinned_text():
    """The text a release pins (its sections' bodies, in order), as an expression on a
    release queryset. PostgreSQL only."""
    return Subquery(
        ReleaseSection.objects.filter(release=OuterRef("pk")).values("release")
        .annotate(text=StringAgg("revision__body", delimiter="\n\n", order_by="id"))
        .values("text")[:1]
    )


def pinned_body_contains(term):
    """Whether a release pins a text holding ``term`` (any case)."""
    return Exists(ReleaseSection.objects.filter(
        release=OuterRef("pk"), revision__body__icontains=term))
