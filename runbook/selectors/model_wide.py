"""Reads the model-wide pages need of the run book (hand-over, set-up, search, the pack),
so that ``overview`` reaches the run book's tables only through here."""

import operator
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

from runbook.models import (
    Agreement,
    Definition,
    DefinitionRevision,
    Release,
    ReleaseSection,
    Revision,
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


def live_sections_headed_by(*, person):
    """The live model's sections owned by a function ``person`` heads, in document
    order, with their run book."""
    return (Section.objects.live().filter(owner__head=person).select_related("runbook")
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
