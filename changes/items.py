"""The kinds of governed item a proposal can change, each read and written through its
own app's selectors and services: what its fields are, which version it is at, which
layer answers for it, who may propose a change to it, and how an approved change is
applied (inside ``revops.governance.applying``, the one way past the 409)."""

import hashlib
import json
from dataclasses import dataclass

from django.urls import reverse

from cadence import selectors as cadence_selectors
from cadence import services as cadence_services
from raci import selectors as raci_selectors
from raci import services as raci_services
from revops import policy
from revops.models import Layer
from runbook import documents
from runbook import selectors as runbook_selectors
from runbook import services as runbook_services


def _digest(fields):
    """A version for items that keep no number of their own: their fields' fingerprint."""
    return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()[:16]


def _text_of(revision):
    return revision.body if revision is not None else ""


class ItemKind:
    """What every kind shares: one item read as a batch of one; proposed fields that its
    own service checks in full when the change applies."""

    def get(self, pk):
        return self.many([pk]).get(pk)

    def validate(self, fields):
        """Refuse at once what could never apply (a ValidationError keyed by field)."""


class DocumentKind(ItemKind):
    """A section or definition: its text is held to the documents' own rule."""

    def validate(self, fields):
        documents.validate_body(fields["body"])


@dataclass(frozen=True)
class SectionItem(DocumentKind):
    kind = "section"
    fields = ("body",)

    def many(self, pks):
        return runbook_selectors.sections_by_ids(pks)

    def label(self, obj):
        return obj.full_title

    def layer(self, obj):
        return obj.kind if obj.kind in Layer.values else ""

    def governed(self, obj):
        return runbook_selectors.section_is_governed(obj)

    def version(self, obj):
        return str(obj.revision)

    def current(self, obj):
        return {"body": _text_of(runbook_selectors.current_revision(obj))}

    def require_may_propose(self, actor, obj):
        policy.require_change(actor, obj)

    def apply(self, obj, *, fields, base_version, summary, actor, door):
        revision = runbook_services.section_revise(
            section=obj, body=fields["body"], base_revision=int(base_version),
            summary=summary, actor=actor, door=door)
        return str(revision.number)

    def url(self, obj):
        return reverse("runbook:section", args=[obj.pk])


@dataclass(frozen=True)
class DefinitionItem(DocumentKind):
    kind = "definition"
    fields = ("body", "formula")

    def many(self, pks):
        return runbook_selectors.definitions_by_ids(pks)

    def label(self, obj):
        return obj.term

    def layer(self, obj):
        return obj.layer

    def governed(self, obj):
        return obj.governed

    def version(self, obj):
        return str(obj.revision)

    def current(self, obj):
        return {"body": _text_of(runbook_selectors.definition_current_revision(obj)),
                "formula": obj.formula}

    def require_may_propose(self, actor, obj):
        policy.require_change(actor, obj)

    def apply(self, obj, *, fields, base_version, summary, actor, door):
        revision = runbook_services.definition_revise(
            definition=obj, body=fields["body"], formula=fields.get("formula", ""),
            base_revision=int(base_version), summary=summary, actor=actor, door=door)
        return str(revision.number)

    def url(self, obj):
        return reverse("definitions:detail", args=[obj.slug])


@dataclass(frozen=True)
class RowItem(ItemKind):
    kind = "row"
    fields = ("name", "description", "letters")

    def many(self, pks):
        return raci_selectors.rows_by_ids(pks)

    def label(self, obj):
        return f"{obj.matrix.title} · {obj.name}"

    def layer(self, obj):
        return obj.layer

    def governed(self, obj):
        return obj.matrix.governed

    def version(self, obj):
        return _digest(self.current(obj))

    def current(self, obj):
        return {"name": obj.name, "description": obj.description,
                "letters": dict(sorted(raci_selectors.letters_of(obj).items()))}

    def require_may_propose(self, actor, obj):
        policy.require_administer(actor)

    def apply(self, obj, *, fields, base_version, summary, actor, door):
        row = raci_services.row_update(row=obj, actor=actor, door=door, cells=fields["letters"],
                                       name=fields["name"], description=fields["description"])
        return self.version(self.get(row.pk))

    def url(self, obj):
        return reverse("raci:matrix", args=[obj.matrix_id])


@dataclass(frozen=True)
class RitualItem(ItemKind):
    kind = "ritual"
    fields = ("name", "output", "agenda", "rrule", "timezone")

    def many(self, pks):
        return cadence_selectors.rituals_by_ids(pks)

    def label(self, obj):
        return obj.name

    def layer(self, obj):
        return obj.layer

    def governed(self, obj):
        return obj.governed

    def version(self, obj):
        return str(obj.sequence)

    def current(self, obj):
        return {name: getattr(obj, name) for name in self.fields}

    def require_may_propose(self, actor, obj):
        policy.require_change(actor, obj)

    def apply(self, obj, *, fields, base_version, summary, actor, door):
        ritual = cadence_services.ritual_update(ritual=obj, actor=actor, door=door, **{
            name: fields[name] for name in self.fields})
        return str(ritual.sequence)

    def url(self, obj):
        return reverse("cadence:ritual", args=[obj.pk])


KINDS = {item.kind: item for item in (SectionItem(), DefinitionItem(), RowItem(), RitualItem())}


def kind_of(obj):
    """The item kind ``obj`` is (its model's name), or None when it is no governed kind."""
    name = obj._meta.model_name
    return KINDS.get(name)
