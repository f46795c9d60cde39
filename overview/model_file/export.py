"""Writing the model out as one ``revops-model/1`` document, streamed."""

import json
from contextlib import contextmanager

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from cadence.models import ActionItem, Attendance, Decision, Occurrence, Ritual
from changes.models import Acknowledgement, Comment, Proposal
from insights.models import Metric, MetricValue, OffTrack, ReplacedValue, Target
from insights.services.values import SENDER
from overview.model_file.document import ASSESSMENT_VALUES, FORMAT
from overview.models import MaturityAssessment
from raci.models import Cell, Matrix, Row, SignOff
from revops import fiscal
from revops.models import Function
from runbook.models import (
    Agreement,
    Definition,
    DefinitionReview,
    DefinitionRevision,
    DefinitionStaleFlag,
    Release,
    ReleaseSection,
    Review,
    Revision,
    Runbook,
    Section,
    StaleFlag,
)


def _iso(value):
    return value.isoformat() if value is not None else None


def _seconds(value):
    return int(value.total_seconds()) if value is not None else None


# Run books are read and written this many at a time, with their sections' history:
# memory holds one batch, never the whole history.
RUNBOOK_BATCH = 500


def export_model(*, now=None):
    """The whole model as a ``revops-model/1`` document (a dict ready for ``json``):
    ``export_chunks`` read back, for callers that want it whole."""
    return json.loads("".join(export_chunks(now=now)))


def export_chunks(*, now=None):
    """The whole model as ``revops-model/1`` JSON text, piece by piece, for a streamed
    response or a file: run books go out ``RUNBOOK_BATCH`` at a time, each batch read in a
    fixed number of queries (sections, their revisions, reviews, stale flags, releases),
    the rest in a fixed number whatever the history's size. Reads from one snapshot: on
    PostgreSQL, one repeatable-read transaction when the caller holds none. Children are
    grouped by parent in one pass (dicts), so the time grows with the model, linearly.
    ``people`` comes last, once every reference to a person has been seen."""
    with _one_snapshot():
        yield from _chunks(now=now)


@contextmanager
def _one_snapshot():
    if connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def _dumps(value):
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _chunks(*, now):
    User = get_user_model()
    usernames = dict(User.objects.values_list("pk", User.USERNAME_FIELD))
    named = set()

    def who(user_id):
        if user_id is None:
            return None
        named.add(user_id)
        return usernames[user_id]

    functions = list(Function.objects.order_by("position", "slug"))
    slug = {f.pk: f.slug for f in functions}
    yield _dumps({
        "format": FORMAT,
        "exported_at": _iso(now or timezone.now()),
        "fiscal_year_start_month": fiscal.start_month(),
        "functions": [{"slug": f.slug, "name": f.name, "position": f.position,
                       "head": who(f.head_id), "deputy": who(f.deputy_id),
                       "vacant_since": _iso(f.vacant_since) if f.head_id is None else None}
                      for f in functions],
    })[:-1]

    books = list(Runbook.objects.order_by("pk"))
    title = {b.pk: b.title for b in books}
    section_ref = {pk: {"runbook": title[book_id], "kind": kind}
                   for pk, book_id, kind in Section.objects.values_list("pk", "runbook_id",
                                                                        "kind")}
    yield ',"runbooks":['
    for first in range(0, len(books), RUNBOOK_BATCH):
        batch = books[first:first + RUNBOOK_BATCH]
        docs = _runbook_docs(batch, slug, who)
        yield ("," if first else "") + ",".join(_dumps(doc) for doc in docs)
    yield "]"
    raci, row_place = _raci_docs(slug, who)
    yield ',"raci":' + _dumps(raci)
    rituals = list(Ritual.objects.order_by("pk"))
    yield ',"rituals":' + _dumps(_ritual_docs(rituals, slug, section_ref, who))
    yield ',"definitions":' + _dumps(_definition_docs(slug, section_ref, who))
    ritual_index = {r.pk: i for i, r in enumerate(rituals)}
    yield ',"maturity_assessments":' + _dumps(_assessment_docs(ritual_index, who))
    item_ref = _item_refs(section_ref, row_place, ritual_index)
    yield ',"decisions":' + _dumps(_decision_docs(ritual_index, slug, item_ref))
    yield ',"action_items":' + _dumps(_action_item_docs(ritual_index, who))
    yield ',"metrics":' + _dumps(_metric_docs(slug))
    yield ',"metric_values":' + _dumps(_metric_value_docs(who))
    yield ',"off_track_items":' + _dumps(_off_track_docs(who))
    yield ',"proposals":' + _dumps(_proposal_docs(item_ref, slug, who))
    yield ',"acknowledgements":' + _dumps(_acknowledgement_docs(item_ref, who))
    yield ',"people":' + _dumps([
        {"username": u.get_username(), "first_name": u.first_name, "last_name": u.last_name,
         "email": u.email}
        for u in User.objects.order_by(User.USERNAME_FIELD) if u.pk in named])
    yield "}"


def _runbook_docs(books, slug, who):
    """The documents of ``books`` with their sections' history and their releases, in six
    queries."""
    ids = [b.pk for b in books]
    sections = {}
    for s in Section.objects.filter(runbook_id__in=ids).order_by("runbook_id", "position",
                                                                  "pk"):
        sections.setdefault(s.runbook_id, []).append(s)
    history = _history(Revision, Review, StaleFlag, who, section__runbook_id__in=ids)
    release_sections = {}
    for e in ReleaseSection.objects.filter(release__runbook_id__in=ids).order_by(
            "release_id", "section__position").values(
            "release_id", "section__kind", "revision__number", "review_state",
            "last_reviewed_on", "last_reviewed_by_name", "last_reviewed_revision"):
        release_sections.setdefault(e["release_id"], []).append({
            "kind": e["section__kind"], "revision": e["revision__number"],
            "review_state": e["review_state"], "last_reviewed_on": _iso(e["last_reviewed_on"]),
            "last_reviewed_by_name": e["last_reviewed_by_name"],
            "last_reviewed_revision": e["last_reviewed_revision"]})
    releases = {}
    for r in Release.objects.filter(runbook_id__in=ids).order_by("runbook_id", "number"):
        releases.setdefault(r.runbook_id, []).append({
            "number": r.number, "name": r.name, "note": r.note, "created_at": _iso(r.created_at),
            "created_by": who(r.created_by_id), "sections": release_sections.get(r.pk, [])})

    def section_doc(s):
        return {
            "kind": s.kind, "title": s.title, "owner": slug[s.owner_id], "revision": s.revision,
            "last_reviewed_at": _iso(s.last_reviewed_at),
            "last_reviewed_on": _iso(s.last_reviewed_on),
            "last_reviewed_by": who(s.last_reviewed_by_id),
            "last_reviewed_revision": s.last_reviewed_revision, "governed": s.governed,
            **history(s.pk),
        }

    return [{
        "title": b.title, "motion": b.motion, "is_default": b.is_default, "version": b.version,
        "created_at": _iso(b.created_at), "created_by": who(b.created_by_id),
        "archived_at": _iso(b.archived_at), "governed": b.governed,
        "sections": [section_doc(s) for s in sections.get(b.pk, [])],
        "releases": releases.get(b.pk, []),
    } for b in books]


def _definition_docs(slug, section_ref, who):
    definition_history = _history(DefinitionRevision, DefinitionReview, DefinitionStaleFlag,
                                  who, revision_fields=("formula",))
    agreeing, agreements = {}, {}
    for a in Definition.agreeing.through.objects.order_by("pk").values(
            "definition_id", "function_id"):
        agreeing.setdefault(a["definition_id"], []).append(slug[a["function_id"]])
    for a in Agreement.objects.order_by("definition_id", "agreed_at", "pk").values(
            "definition_id", "function_id", "revision_number", "agreed_at", "agreed_by_id",
            "door"):
        agreements.setdefault(a["definition_id"], []).append({
            "function": slug[a["function_id"]], "revision": a["revision_number"],
            "agreed_at": _iso(a["agreed_at"]), "agreed_by": who(a["agreed_by_id"]),
            "door": a["door"]})
    return [{
        "term": d.term, "layer": d.layer, "owner": slug[d.owner_id],
        "agreeing": sorted(agreeing.get(d.pk, [])),
        "section": section_ref.get(d.section_id), "formula": d.formula,
        "created_at": _iso(d.created_at), "revision": d.revision,
        "last_reviewed_at": _iso(d.last_reviewed_at),
        "last_reviewed_on": _iso(d.last_reviewed_on),
        "last_reviewed_by": who(d.last_reviewed_by_id),
        "last_reviewed_revision": d.last_reviewed_revision, "governed": d.governed,
        **definition_history(d.pk),
        "agreements": agreements.get(d.pk, []),
    } for d in Definition.objects.order_by("pk")]


def _raci_docs(slug, who):
    """The matrices' documents, and where each row is in them: ``{row id: {"matrix":
    index in raci, "row": index in its rows}}``, how a decision names the row it links."""
    cells = {}
    for c in Cell.objects.order_by("row_id", "pk").values("row_id", "function_id", "letter"):
        cells.setdefault(c["row_id"], {})[slug[c["function_id"]]] = c["letter"]
    rows, row_ids = {}, {}
    for r in Row.objects.order_by("matrix_id", "pk"):
        row_ids.setdefault(r.matrix_id, []).append(r.pk)
        letters = {slug[r.accountable_id]: r.accountable_letter, **cells.get(r.pk, {})}
        rows.setdefault(r.matrix_id, []).append({
            "layer": r.layer, "name": r.name, "description": r.description,
            "position": r.position, "cells": dict(sorted(letters.items()))})
    signoffs = {}
    for s in SignOff.objects.order_by("matrix_id", "pk"):
        signoffs.setdefault(s.matrix_id, []).append({
            "function": slug[s.function_id], "version": s.version, "signed_by": who(s.signed_by_id),
            "signed_by_name": s.signed_by_name, "signed_at": _iso(s.signed_at),
            "snapshot": s.snapshot})
    matrices = list(Matrix.objects.order_by("pk"))
    matrix_index = {m.pk: i for i, m in enumerate(matrices)}
    row_place = {pk: {"matrix": matrix_index[matrix_id], "row": j}
                 for matrix_id, pks in row_ids.items() for j, pk in enumerate(pks)}
    return [{"title": m.title, "version": m.version, "is_current": m.is_current,
             "created_at": _iso(m.created_at), "updated_at": _iso(m.updated_at),
             "archived_at": _iso(m.archived_at), "governed": m.governed,
             "rows": rows.get(m.pk, []),
             "signoffs": signoffs.get(m.pk, [])}
            for m in matrices], row_place


def _ritual_docs(rituals, slug, section_ref, who):
    attendees = {}
    for a in Ritual.attendees.through.objects.values("ritual_id", "function_id"):
        attendees.setdefault(a["ritual_id"], []).append(slug[a["function_id"]])
    reviewed = {}
    for link in Occurrence.reviewed_sections.through.objects.order_by("pk").values(
            "occurrence_id", "section_id"):
        reviewed.setdefault(link["occurrence_id"], []).append(section_ref[link["section_id"]])
    present = {}
    for a in Attendance.objects.order_by("pk").values("occurrence_id", "function_id"):
        present.setdefault(a["occurrence_id"], []).append(slug[a["function_id"]])
    occurrences = {}
    for o in Occurrence.objects.order_by("ritual_id", "scheduled_for").values(
            "pk", "ritual_id", "scheduled_for", "status", "notes", "recorded_at",
            "recorded_by_id", "reminded_at", "rating", "recapped_at"):
        occurrences.setdefault(o["ritual_id"], []).append({
            "scheduled_for": _iso(o["scheduled_for"]), "status": o["status"], "notes": o["notes"],
            "recorded_at": _iso(o["recorded_at"]), "recorded_by": who(o["recorded_by_id"]),
            "reminded_at": _iso(o["reminded_at"]),
            "reviewed_sections": sorted(reviewed.get(o["pk"], []),
                                        key=lambda ref: (ref["runbook"], ref["kind"])),
            "rating": o["rating"], "recapped_at": _iso(o["recapped_at"]),
            "present": sorted(present.get(o["pk"], []))})
    return [{
        "name": r.name, "horizon": r.horizon, "layer": r.layer, "purpose": r.purpose,
        "owner": slug.get(r.owner_id), "owner_person": who(r.owner_person_id),
        "attendees": sorted(attendees.get(r.pk, [])), "duration_minutes": r.duration_minutes,
        "output": r.output,
        "output_section": section_ref.get(r.output_section_id), "agenda": r.agenda,
        "timezone": r.timezone, "rrule": r.rrule, "active": r.active,
        "reminder_lead_seconds": _seconds(r.reminder_lead), "grace_seconds": _seconds(r.grace),
        "schedule_start": _iso(r.schedule_start), "sequence": r.sequence,
        "created_at": _iso(r.created_at), "updated_at": _iso(r.updated_at),
        "archived_at": _iso(r.archived_at), "governed": r.governed,
        "occurrences": occurrences.get(r.pk, []),
    } for r in rituals]


def _assessment_docs(ritual_index, who):
    """The maturity assessments, oldest quarter first, in one query. The refresh an
    assessment was tied to is named as the model file names any occurrence: the index
    of its ritual in ``rituals`` and its ``scheduled_for`` (unique within a ritual).
    Ritual names cannot serve, because an archived ritual keeps its name."""
    return [{
        "quarter": fiscal.fiscal_quarter(a["quarter_start"]).code,
        **{name: a[name] for name in ASSESSMENT_VALUES},
        "occurrence": {"ritual": ritual_index[a["occurrence__ritual_id"]],
                       "scheduled_for": _iso(a["occurrence__scheduled_for"])}
        if a["occurrence__ritual_id"] is not None else None,
        "recorded_by": who(a["recorded_by_id"]), "recorded_at": _iso(a["recorded_at"]),
        "updated_at": _iso(a["updated_at"]),
    } for a in MaturityAssessment.objects.order_by("quarter_start").values(
        "quarter_start", *ASSESSMENT_VALUES, "occurrence__ritual_id",
        "occurrence__scheduled_for", "recorded_by_id", "recorded_at", "updated_at")]


def _occurrence_ref(ritual_index, values):
    """An occurrence as the model file names it: its ritual's index in ``rituals`` and
    its ``scheduled_for`` (read as ``occurrence__ritual_id``, ``occurrence__scheduled_for``)."""
    return {"ritual": ritual_index[values["occurrence__ritual_id"]],
            "scheduled_for": _iso(values["occurrence__scheduled_for"])}


def _decision_docs(ritual_index, slug, item_ref):
    """The decisions of every held occurrence, in one query, the item each links to
    named as the file names it (``item_ref``)."""
    def link(d):
        for kind, column in (("section", "section_id"), ("definition", "definition_id"),
                             ("row", "raci_row_id"), ("ritual", "linked_ritual_id")):
            if d[column] is not None:
                return item_ref(kind, d[column])
        return None

    return [{
        "occurrence": _occurrence_ref(ritual_index, d), "text": d["text"],
        "owner": slug[d["owner_id"]], "revisit_on": _iso(d["revisit_on"]),
        "revisit_raised_at": _iso(d["revisit_raised_at"]), "link": link(d),
        "created_at": _iso(d["created_at"]),
    } for d in Decision.objects.order_by("pk").values(
        "occurrence__ritual_id", "occurrence__scheduled_for", "text", "owner_id",
        "revisit_on", "revisit_raised_at", "section_id", "definition_id", "raci_row_id",
        "linked_ritual_id", "created_at")]


def _action_item_docs(ritual_index, who):
    """The action items of every held occurrence, in one query."""
    return [{
        "occurrence": _occurrence_ref(ritual_index, a), "text": a["text"],
        "owner": who(a["owner_id"]), "due": _iso(a["due"]), "state": a["state"],
        "created_at": _iso(a["created_at"]), "closed_at": _iso(a["closed_at"]),
        "closed_by": who(a["closed_by_id"]), "drop_reason": a["drop_reason"],
    } for a in ActionItem.objects.order_by("pk").values(
        "occurrence__ritual_id", "occurrence__scheduled_for", "text", "owner_id", "due",
        "state", "created_at", "closed_at", "closed_by_id", "drop_reason")]


def _metric_docs(slug):
    """The scorecard's metrics with their targets, in two queries: a metric names its
    definition by term and its owner by function slug."""
    targets = {}
    for t in Target.objects.order_by("metric_id", "starts").values(
            "metric_id", "period", "target", "warning"):
        targets.setdefault(t["metric_id"], []).append({
            "period": t["period"], "target": str(t["target"]), "warning": str(t["warning"])})
    return [{
        "slug": m["slug"], "name": m["name"], "definition": m["definition__term"],
        "layer": m["layer"], "unit": m["unit"], "direction": m["direction"],
        "period": m["period"], "owner": slug.get(m["owner_id"]), "formula": m["formula"],
        "system": m["system"], "position": m["position"], "created_at": _iso(m["created_at"]),
        "targets": targets.get(m["pk"], []),
    } for m in Metric.objects.order_by("pk").values(
        "pk", "slug", "name", "definition__term", "layer", "unit", "direction", "period",
        "owner_id", "formula", "system", "position", "created_at")]


def _sender_doc(v, who):
    return {"value": str(v["value"]), "door": v["door"], "sent_by": who(v["sent_by_id"]),
            "sent_by_name": v["sent_by_name"], "source": v["source"],
            "sent_at": _iso(v["sent_at"])}


def _metric_value_docs(who):
    """Every metric's values, each with the values it replaced (oldest first), in two
    queries. Values are numbers as text: a float would lose a 20-digit decimal."""
    history = {}
    for h in ReplacedValue.objects.order_by("current_id", "replaced_at", "pk").values(
            "current_id", *SENDER, "replaced_at"):
        history.setdefault(h["current_id"], []).append({
            **_sender_doc(h, who), "replaced_at": _iso(h["replaced_at"])})
    return [{
        "metric": v["metric__slug"], "period": v["period"], **_sender_doc(v, who),
        "history": history.get(v["pk"], []),
    } for v in MetricValue.objects.order_by("metric_id", "starts").values(
        "pk", "metric__slug", "period", *SENDER)]


def _off_track_docs(who):
    """The off-track items, open and closed, in one query."""
    return [{
        "metric": o["metric__slug"], "since": o["since"], "latest": o["latest"],
        "raised_at": _iso(o["raised_at"]), "cleared_at": _iso(o["cleared_at"]),
        "reason": o["reason"], "noted_by": who(o["noted_by_id"]),
    } for o in OffTrack.objects.order_by("metric_id", "pk").values(
        "metric__slug", "since", "latest", "raised_at", "cleared_at", "reason",
        "noted_by_id")]
def _item_refs(section_ref, row_place, ritual_index):
    """A function naming the item ``(kind, id)`` — a decision's link, the item a proposal
    or an acknowledgement is about — as the file names it: ``{"section": {runbook,
    kind}}``, ``{"definition": term}``, ``{"row": {matrix, row}}`` (``row_place``) or
    ``{"ritual": index}``; the kind with null when the item was deleted since. One query."""
    places = {"section": section_ref, "definition": dict(
        Definition.objects.values_list("pk", "term")), "row": row_place, "ritual": ritual_index}
    return lambda kind, pk: {kind: places[kind].get(pk)}


def _proposal_docs(item_ref, slug, who):
    """Every proposal, open and decided, with what was said about it, in two queries. A
    revert names the proposal it reverts by its index here. A proposal about an item
    deleted since keeps its label and history; its item is null."""
    comments = {}
    for c in Comment.objects.order_by("proposal_id", "at", "pk").values(
            "proposal_id", "author_id", "function_id", "body", "objection", "at", "door"):
        comments.setdefault(c["proposal_id"], []).append({
            "author": who(c["author_id"]), "function": slug.get(c["function_id"]),
            "body": c["body"], "objection": c["objection"], "at": _iso(c["at"]),
            "door": c["door"]})
    proposals = list(Proposal.objects.order_by("pk").values())
    index = {p["id"]: i for i, p in enumerate(proposals)}
    return [{
        "item": item_ref(p["kind"], p["item_id"]), "item_label": p["item_label"],
        "layer": p["layer"], "base_version": p["base_version"], "base": p["base"],
        "fields": p["fields"], "reason": p["reason"], "effective_on": _iso(p["effective_on"]),
        "state": p["state"], "proposer": who(p["proposer_id"]),
        "opened_at": _iso(p["opened_at"]), "door": p["door"],
        "decided_by": who(p["decided_by_id"]), "decided_at": _iso(p["decided_at"]),
        "decision_note": p["decision_note"], "applied_at": _iso(p["applied_at"]),
        "applied_version": p["applied_version"], "meaningful": p["meaningful"],
        "reverts": index.get(p["reverts_id"]), "decision": p["decision"],
        "comments": comments.get(p["id"], []),
    } for p in proposals]


def _acknowledgement_docs(item_ref, who):
    """Who read which version of which item, in one query. An acknowledgement of an item
    deleted since acknowledges nothing any more and is left out."""
    documents = []
    for a in Acknowledgement.objects.order_by("pk").values(
            "kind", "item_id", "version", "person_id", "at", "door"):
        item = item_ref(a["kind"], a["item_id"])
        if item[a["kind"]] is not None:
            documents.append({"item": item, "version": a["version"],
                              "person": who(a["person_id"]), "at": _iso(a["at"]),
                              "door": a["door"]})
    return documents


def _history(revisions, reviews, flags, who, *, revision_fields=(), **where):
    """What a section and a definition both carry: a function of a document's id giving
    its ``revisions``, ``reviews`` and ``stale_flags`` (a flag names the review that
    closed it by its index), read in three queries for every document of the kind (those
    ``where`` selects)."""
    key = f"{flags.document_key}_id"
    revision_docs, review_docs, flag_docs, review_index = {}, {}, {}, {}
    for r in revisions.objects.filter(**where).order_by(key, "number").values(
            key, "number", "base_number", "body", "summary", "created_at", "created_by_id",
            "door", *revision_fields):
        revision_docs.setdefault(r[key], []).append({
            "number": r["number"], "base_number": r["base_number"], "body": r["body"],
            **{name: r[name] for name in revision_fields}, "summary": r["summary"],
            "created_at": _iso(r["created_at"]), "author": who(r["created_by_id"]),
            "door": r["door"]})
    for r in reviews.objects.filter(**where).order_by(key, "pk").values(
            "pk", key, "revision_number", "reviewed_at", "reviewed_on", "reviewer_id", "door",
            "note"):
        review_index[r["pk"]] = len(review_docs.setdefault(r[key], []))
        review_docs[r[key]].append({
            "revision": r["revision_number"], "reviewed_at": _iso(r["reviewed_at"]),
            "reviewed_on": _iso(r["reviewed_on"]), "reviewer": who(r["reviewer_id"]),
            "door": r["door"], "note": r["note"]})
    for f in flags.objects.filter(**where).order_by(key, "pk").values(
            key, "raised_at", "raised_on", "state", "last_reviewed_on", "closed_at",
            "closed_by_id", "escalated_at", "escalated_to__slug"):
        flag_docs.setdefault(f[key], []).append({
            "raised_at": _iso(f["raised_at"]), "raised_on": _iso(f["raised_on"]),
            "state": f["state"], "last_reviewed_on": _iso(f["last_reviewed_on"]),
            "closed_at": _iso(f["closed_at"]),
            "closed_by_review": review_index.get(f["closed_by_id"]),
            "escalated_at": _iso(f["escalated_at"]), "escalated_to": f["escalated_to__slug"]})
    return lambda pk: {"revisions": revision_docs.get(pk, []),
                       "reviews": review_docs.get(pk, []),
                       "stale_flags": flag_docs.get(pk, [])}
