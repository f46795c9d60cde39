"""Reads of the glossary: definitions with their review state and agreements, their
revisions and reviews. A fixed number of queries however many definitions there are."""

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from runbook.models import (
    Agreement,
    Definition,
    DefinitionRevision,
    DefinitionStaleFlag,
    Section,
)
from runbook.selectors.sections import (
    current_revisions,
    open_flag_annotations,
    review_state_expression,
)


class AgreementState:
    """Where a definition's agreement stands, computed in SQL (``agreement_expression``)."""

    NONE = "none"  # no function has to agree
    AWAITING = "awaiting"  # some agreeing head has never confirmed any revision
    CHANGED = "changed"  # changed since agreed: confirmed an earlier revision only
    AGREED = "agreed"  # every agreeing head confirmed the current revision

    LABELS = {NONE: "No agreement needed", AWAITING: "Awaiting agreement",
              CHANGED: "Changed since agreed", AGREED: "Agreed"}


def _agreements_of_agreeing(**filters):
    """Agreements of the definition (``OuterRef("pk")``) by functions that still agree."""
    agreeing = Definition.agreeing.through.objects.filter(
        definition_id=OuterRef(OuterRef("pk"))).values("function_id")
    return Agreement.objects.filter(definition=OuterRef("pk"), function_id__in=agreeing,
                                    **filters)


# An agreement counts while the person who gave it still acts for the function's seat (its
# head, or its deputy while it is vacant): a new head confirms, as with RACI sign-offs.
_BY_WHOEVER_ACTS_FOR_THE_FUNCTION = (
    Q(agreed_by=F("function__head"))
    | Q(function__head__isnull=True, agreed_by=F("function__deputy")))


def agreement_expression():
    """``agreement`` (an ``AgreementState``) of each definition as SQL: three correlated
    counts, whatever the number of definitions."""
    def functions_in(qs):
        return Coalesce(Subquery(
            qs.order_by().values("definition_id")
            .annotate(n=Count("function_id", distinct=True)).values("n")[:1],
            output_field=IntegerField()), 0)

    needed = functions_in(
        Definition.agreeing.through.objects.filter(definition_id=OuterRef("pk")))
    now = functions_in(_agreements_of_agreeing(revision_number=OuterRef("revision"))
                       .filter(_BY_WHOEVER_ACTS_FOR_THE_FUNCTION))
    return {
        "agreeing_count": needed,
        "agreed_count": now,
        "agreement": Case(
            When(agreeing_count=0, then=Value(AgreementState.NONE)),
            When(agreed_count__gte=F("agreeing_count"), then=Value(AgreementState.AGREED)),
            When(Exists(_agreements_of_agreeing(revision_number__lt=OuterRef("revision"))),
                 then=Value(AgreementState.CHANGED)),
            default=Value(AgreementState.AWAITING),
            output_field=CharField(),
        ),
    }


def definitions_with_state(*, today, threshold=None, start_month=None):
    """Definitions by layer and term with ``review_state`` (the sections' rule),
    the open stale flag (``stale_since``…, as for sections) and the agreement
    (``agreeing_count``, ``agreed_count``, ``agreement``) annotated; owner, section and
    reviewer joined. A fixed number of queries however many there are."""
    state = review_state_expression(today, threshold=threshold, start_month=start_month)
    agreement = agreement_expression()
    return (
        Definition.objects.select_related("owner__head", "owner__deputy", "section__runbook",
                                          "last_reviewed_by")
        .annotate(review_state=state, **open_flag_annotations(DefinitionStaleFlag, state))
        .annotate(**{k: agreement[k] for k in ("agreeing_count", "agreed_count")})
        .annotate(agreement=agreement["agreement"])
        .order_by("layer", "term")
    )


def agreements_for(definition):
    """Per agreeing function, in function order: ``{"function", "agreement"}`` (its
    latest agreement, or None), ``current`` (whether whoever acts for the function now
    agreed to the current revision) and ``by_former_head`` (the latest agreement was
    given by someone who no longer acts for it: the new head is asked to confirm).
    Two queries."""
    agreements = list(Agreement.objects.filter(definition=definition)
                      .select_related("agreed_by").order_by("agreed_at", "id"))
    latest = {a.function_id: a for a in agreements}
    rows = []
    for f in definition.agreeing.select_related("head", "deputy").order_by("position", "slug"):
        acting = f.covered_by
        agreement = latest.get(f.pk)
        rows.append({
            "function": f, "agreement": agreement,
            "current": any(a.function_id == f.pk and a.revision_number == definition.revision
                           and acting is not None and a.agreed_by_id == acting.pk
                           for a in agreements),
            "by_former_head": agreement is not None and (
                acting is None or agreement.agreed_by_id != acting.pk),
        })
    return rows


def definitions_with_text(*, today):
    """``definitions_with_state`` as a list, each with ``current`` (its current revision)
    set: three queries, for the pack and the model file."""
    with_state = definitions_with_state(today=today)
    definitions = list(with_state.prefetch_related("agreeing"))
    texts = current_revisions(with_state, DefinitionRevision)
    for definition in definitions:
        definition.current = texts.get(definition.pk)
    return definitions


def definition_revisions_for(definition):
    return definition.revisions.select_related("created_by").order_by("-number")


def definition_revision(definition, number):
    return definition.revisions.filter(number=number).first()


def definition_current_revision(definition):
    return definition_revision(definition, definition.revision)


def review_state_changes(*, today, start_month):
    """What a new fiscal start month would do to review states on ``today``: the live
    model's sections and the definitions whose state differs, each annotated with
    ``review_state`` (now) and ``review_state_after`` (with ``start_month``), in
    run-book and term order. Two queries, however many documents there are."""
    now = review_state_expression(today)
    after = review_state_expression(today, start_month=start_month)
    sections = list(
        Section.objects.live().select_related("runbook", "owner")
        .annotate(review_state=now, review_state_after=after)
        .exclude(review_state=F("review_state_after"))
        .order_by("runbook__title", "runbook_id", "position"))
    definitions = list(
        Definition.objects.select_related("owner")
        .annotate(review_state=now, review_state_after=after)
        .exclude(review_state=F("review_state_after"))
        .order_by("term"))
    return sections, definitions
