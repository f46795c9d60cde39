"""Shared definitions: written, revised and reviewed like a section, and agreed to
by the heads of the functions that must mean the same thing by them."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from revops import audit, events, governance, policy
from revops.errors import Refused
from runbook import documents, search
from runbook.documents import RevisionConflict
from runbook.models import (
    MAX_FORMULA_CHARS,
    Agreement,
    Definition,
    DefinitionReview,
    DefinitionRevision,
    DefinitionStaleFlag,
)
from runbook.services import payloads


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
                      section=None, summary="", at=None, governed=True):
    """A new definition owned by ``owner``, its text as revision 1 (which counts as its
    first review). Leads may create one for any function, a head for the function they
    head. ``agreeing`` are the functions whose heads must confirm each revision. A
    definition is governed (changed through proposals) unless a lead makes it otherwise;
    ``governed=False`` is for leads only."""
    policy.require_own(actor, owner)
    if not governed:
        policy.require_administer(actor)
    term, slug = _clean_term(term)
    definition = Definition(term=term, slug=slug, layer=layer or "", owner=owner,
                            section=section, formula=_clean_formula(formula),
                            created_at=at or timezone.now(), governed=bool(governed))
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
        **audit.snapshot(definition, ["term", "layer", "owner", "section", "formula",
                                      "governed"]),
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
    if _changes_meaning(definition, before, term=term, layer=layer, agreeing=agreeing,
                        section=section):
        governance.refuse_governed(definition, definition.governed)
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


def _changes_meaning(definition, before, *, term, layer, agreeing, section):
    """Whether an update touches what a governed definition holds still: its term, layer,
    section or who agrees. A hand-over (the owner alone) is not a change of meaning."""
    return ((term is not None and " ".join(term.split()) != definition.term)
            or (layer is not None and layer != definition.layer)
            or (section is not Ellipsis and getattr(section, "pk", None) != definition.section_id)
            or (agreeing is not None
                and sorted(f.slug for f in agreeing) != before["agreeing"]))


@transaction.atomic
def definition_revise(*, definition, body, base_revision, actor, door, formula=None,
                      summary="", mark_reviewed=True, note="", at=None):
    """Append a revision of a definition's text (and formula: None keeps it) on top of
    ``base_revision``, exactly as ``section_revise`` does for a section (409 when it moved
    on). The agreements given so far stay in the history but no longer count: the
    definition shows "changed since agreed" until each agreeing head confirms again."""
    definition = policy.locked_for_change(actor, definition, lock=documents.lock)
    governance.refuse_governed(definition, definition.governed)
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
        **payloads.definition_payload(definition), "summary": revision.summary,
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
        **payloads.definition_payload(definition), "reviewed_revision": number,
        "reviewed_at": review.reviewed_at,
        "by": review.reviewer.get_username() if review.reviewer else None, "note": review.note})
    return review


@transaction.atomic
def definition_agree(*, definition, actor, door, function=None, revision=None, at=None):
    """The head of an agreeing function confirms the definition's current revision for
    it (``function``: the one they head among the agreeing, when it is one). Agreeing to
    a revision that is no longer current is a 409, like a stale edit; agreeing twice to
    the same revision is a 400 on ``function``."""
    policy.require_head(actor)  # before the input is read, like the pages and the API
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
        **payloads.definition_payload(definition), "function": function.slug,
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
