"""The model as one file: export and import of ``revops-model/1`` documents.

The document holds everything that makes the model (functions and their heads, run
books with every revision, review, stale flag and release, the RACI matrices with
their sign-offs, the rituals with every occurrence, the quarterly maturity assessments)
and nothing that names a database id: things refer to each other by slug, username,
title, kind or position, so a file from one installation reads the same on another.
The format is described in ``docs/model-format.md`` and its JSON Schema in
``docs/model-format.schema.json``.

Import is all-or-nothing. The document is checked whole before anything is written —
the schema first, then the rules the schema cannot say (references that must resolve,
one Accountable per RACI row, revision numbers without gaps, schedules that agree with
their horizon) — and every error names its JSON path. Then one transaction bulk-writes
the history as it was (times, authors, doors), and one audit entry records the import.
"""

import json
from collections import Counter
from datetime import date, datetime, timedelta
from functools import cache, lru_cache
from pathlib import Path

import jsonschema
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from cadence import rules as cadence_rules
from cadence.models import Occurrence, Ritual
from overview import bootstrap, maturity
from overview.models import MaturityAssessment
from raci.models import Cell, Matrix, Row, SignOff
from revops import audit, fiscal, policy, rendering, seats
from revops.api import parsers
from revops.models import Function
from revops.search import refresh_vectors
from runbook import search
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
    SectionKind,
    StaleFlag,
)

FORMAT = "revops-model/1"
SCHEMA_PATH = Path(settings.BASE_DIR) / "docs" / "model-format.schema.json"
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_ERRORS = 50
BATCH = 2000
# What an assessment carries as it is: the four scores and what each rests on.
ASSESSMENT_VALUES = (*maturity.PILLARS, *(f"{p}_evidence" for p in maturity.PILLARS))


@cache
def schema():
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def _iso(value):
    return value.isoformat() if value is not None else None


def _seconds(value):
    return int(value.total_seconds()) if value is not None else None


# Export ---------------------------------------------------------------------------------


def export_model(*, now=None):
    """The whole model as a ``revops-model/1`` document (a dict ready for ``json``).
    Reads in a fixed number of queries whatever the history's size."""
    users = {}

    def who(user_id):
        if user_id is None:
            return None
        users[user_id] = None
        return user_id

    functions = list(Function.objects.order_by("position", "slug"))
    slug = {f.pk: f.slug for f in functions}
    function_docs = [{"slug": f.slug, "name": f.name, "position": f.position,
                      "head": who(f.head_id), "deputy": who(f.deputy_id),
                      "vacant_since": _iso(f.vacant_since) if f.head_id is None else None}
                     for f in functions]

    books = list(Runbook.objects.order_by("pk"))
    sections = list(Section.objects.order_by("runbook_id", "position", "pk"))
    section_ref = {s.pk: {"runbook": next(b.title for b in books if b.pk == s.runbook_id),
                          "kind": s.kind} for s in sections}
    history = _history(Revision, Review, StaleFlag, who)
    releases = {}
    release_sections = {}
    for e in ReleaseSection.objects.order_by("release_id", "section__position").values(
            "release_id", "section__kind", "revision__number", "review_state",
            "last_reviewed_on", "last_reviewed_by_name", "last_reviewed_revision"):
        release_sections.setdefault(e["release_id"], []).append({
            "kind": e["section__kind"], "revision": e["revision__number"],
            "review_state": e["review_state"], "last_reviewed_on": _iso(e["last_reviewed_on"]),
            "last_reviewed_by_name": e["last_reviewed_by_name"],
            "last_reviewed_revision": e["last_reviewed_revision"]})
    for r in Release.objects.order_by("runbook_id", "number"):
        releases.setdefault(r.runbook_id, []).append({
            "number": r.number, "name": r.name, "note": r.note, "created_at": _iso(r.created_at),
            "created_by": who(r.created_by_id), "sections": release_sections.get(r.pk, [])})

    def section_doc(s):
        return {
            "kind": s.kind, "title": s.title, "owner": slug[s.owner_id], "revision": s.revision,
            "last_reviewed_at": _iso(s.last_reviewed_at),
            "last_reviewed_on": _iso(s.last_reviewed_on),
            "last_reviewed_by": who(s.last_reviewed_by_id),
            "last_reviewed_revision": s.last_reviewed_revision,
            **history(s.pk),
        }

    runbook_docs = [{
        "title": b.title, "motion": b.motion, "is_default": b.is_default, "version": b.version,
        "created_at": _iso(b.created_at), "created_by": who(b.created_by_id),
        "archived_at": _iso(b.archived_at),
        "sections": [section_doc(s) for s in sections if s.runbook_id == b.pk],
        "releases": releases.get(b.pk, []),
    } for b in books]

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
    definition_docs = [{
        "term": d.term, "layer": d.layer, "owner": slug[d.owner_id],
        "agreeing": sorted(agreeing.get(d.pk, [])),
        "section": section_ref.get(d.section_id), "formula": d.formula,
        "created_at": _iso(d.created_at), "revision": d.revision,
        "last_reviewed_at": _iso(d.last_reviewed_at),
        "last_reviewed_on": _iso(d.last_reviewed_on),
        "last_reviewed_by": who(d.last_reviewed_by_id),
        "last_reviewed_revision": d.last_reviewed_revision,
        **definition_history(d.pk),
        "agreements": agreements.get(d.pk, []),
    } for d in Definition.objects.order_by("pk")]

    cells = {}
    for c in Cell.objects.order_by("row_id", "pk").values("row_id", "function_id", "letter"):
        cells.setdefault(c["row_id"], {})[slug[c["function_id"]]] = c["letter"]
    rows = {}
    for r in Row.objects.order_by("matrix_id", "pk"):
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
    raci_docs = [{"title": m.title, "version": m.version, "is_current": m.is_current,
                  "created_at": _iso(m.created_at), "updated_at": _iso(m.updated_at),
                  "archived_at": _iso(m.archived_at), "rows": rows.get(m.pk, []),
                  "signoffs": signoffs.get(m.pk, [])}
                 for m in Matrix.objects.order_by("pk")]

    rituals = list(Ritual.objects.order_by("pk"))
    attendees = {}
    for a in Ritual.attendees.through.objects.values("ritual_id", "function_id"):
        attendees.setdefault(a["ritual_id"], []).append(slug[a["function_id"]])
    reviewed = {}
    for link in Occurrence.reviewed_sections.through.objects.order_by("pk").values(
            "occurrence_id", "section_id"):
        reviewed.setdefault(link["occurrence_id"], []).append(section_ref[link["section_id"]])
    occurrences = {}
    for o in Occurrence.objects.order_by("ritual_id", "scheduled_for").values(
            "pk", "ritual_id", "scheduled_for", "status", "notes", "recorded_at",
            "recorded_by_id", "reminded_at"):
        occurrences.setdefault(o["ritual_id"], []).append({
            "scheduled_for": _iso(o["scheduled_for"]), "status": o["status"], "notes": o["notes"],
            "recorded_at": _iso(o["recorded_at"]), "recorded_by": who(o["recorded_by_id"]),
            "reminded_at": _iso(o["reminded_at"]),
            "reviewed_sections": sorted(reviewed.get(o["pk"], []),
                                        key=lambda ref: (ref["runbook"], ref["kind"]))})
    ritual_docs = [{
        "name": r.name, "horizon": r.horizon, "layer": r.layer, "purpose": r.purpose,
        "owner": slug.get(r.owner_id), "owner_person": who(r.owner_person_id),
        "attendees": sorted(attendees.get(r.pk, [])), "duration_minutes": r.duration_minutes,
        "output": r.output,
        "output_section": section_ref.get(r.output_section_id), "agenda": r.agenda,
        "timezone": r.timezone, "rrule": r.rrule, "active": r.active,
        "reminder_lead_seconds": _seconds(r.reminder_lead), "grace_seconds": _seconds(r.grace),
        "schedule_start": _iso(r.schedule_start), "sequence": r.sequence,
        "created_at": _iso(r.created_at), "updated_at": _iso(r.updated_at),
        "archived_at": _iso(r.archived_at), "occurrences": occurrences.get(r.pk, []),
    } for r in rituals]

    assessment_docs = _assessment_docs({r.pk: i for i, r in enumerate(rituals)}, who)

    people = get_user_model().objects.filter(pk__in=users).order_by("username")
    names = {u.pk: u.get_username() for u in people}

    def named(value):
        return names[value] if value is not None else None

    for f in function_docs:
        f["head"], f["deputy"] = named(f["head"]), named(f["deputy"])
    for b in runbook_docs:
        b["created_by"] = named(b["created_by"])
        for s in b["sections"]:
            s["last_reviewed_by"] = named(s["last_reviewed_by"])
            for r in s["revisions"]:
                r["author"] = named(r["author"])
            for r in s["reviews"]:
                r["reviewer"] = named(r["reviewer"])
        for r in b["releases"]:
            r["created_by"] = named(r["created_by"])
    for d in definition_docs:
        d["last_reviewed_by"] = named(d["last_reviewed_by"])
        for r in d["revisions"]:
            r["author"] = named(r["author"])
        for r in d["reviews"]:
            r["reviewer"] = named(r["reviewer"])
        for a in d["agreements"]:
            a["agreed_by"] = named(a["agreed_by"])
    for m in raci_docs:
        for s in m["signoffs"]:
            s["signed_by"] = named(s["signed_by"])
    for r in ritual_docs:
        r["owner_person"] = named(r["owner_person"])
        for o in r["occurrences"]:
            o["recorded_by"] = named(o["recorded_by"])
    for a in assessment_docs:
        a["recorded_by"] = named(a["recorded_by"])

    return {
        "format": FORMAT,
        "exported_at": _iso(now or timezone.now()),
        "fiscal_year_start_month": fiscal.start_month(),
        "people": [{"username": u.get_username(), "first_name": u.first_name,
                    "last_name": u.last_name, "email": u.email} for u in people],
        "functions": function_docs,
        "runbooks": runbook_docs,
        "raci": raci_docs,
        "rituals": ritual_docs,
        "definitions": definition_docs,
        "maturity_assessments": assessment_docs,
    }


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


def _history(revisions, reviews, flags, who, *, revision_fields=()):
    """What a section and a definition both carry: a function of a document's id giving
    its ``revisions``, ``reviews`` and ``stale_flags`` (a flag names the review that
    closed it by its index), read in three queries for every document of the kind."""
    key = f"{flags.document_key}_id"
    revision_docs, review_docs, flag_docs, review_index = {}, {}, {}, {}
    for r in revisions.objects.order_by(key, "number").values(
            key, "number", "base_number", "body", "summary", "created_at", "created_by_id",
            "door", *revision_fields):
        revision_docs.setdefault(r[key], []).append({
            "number": r["number"], "base_number": r["base_number"], "body": r["body"],
            **{name: r[name] for name in revision_fields}, "summary": r["summary"],
            "created_at": _iso(r["created_at"]), "author": who(r["created_by_id"]),
            "door": r["door"]})
    for r in reviews.objects.order_by(key, "pk").values(
            "pk", key, "revision_number", "reviewed_at", "reviewed_on", "reviewer_id", "door",
            "note"):
        review_index[r["pk"]] = len(review_docs.setdefault(r[key], []))
        review_docs[r[key]].append({
            "revision": r["revision_number"], "reviewed_at": _iso(r["reviewed_at"]),
            "reviewed_on": _iso(r["reviewed_on"]), "reviewer": who(r["reviewer_id"]),
            "door": r["door"], "note": r["note"]})
    for f in flags.objects.order_by(key, "pk").values(
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


# Checking -------------------------------------------------------------------------------


def json_path(parts):
    """``("runbooks", 0, "sections", 2)`` → ``runbooks[0].sections[2]``."""
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "$"


class _Errors:
    def __init__(self):
        self.by_path = {}

    def add(self, parts, message):
        self.by_path.setdefault(json_path(parts), []).append(message)

    def __len__(self):
        return len(self.by_path)

    def raise_if_any(self):
        if self.by_path:
            first = dict(sorted(self.by_path.items())[:MAX_ERRORS])
            raise ValidationError(first)


def read_document(raw):
    """Bytes or text of a model file → the parsed document, or a ValidationError on
    ``file`` (not JSON, nested too deep) or on the JSON path of each value no column can
    hold (a NUL, a lone surrogate, a number too long or too large)."""
    if isinstance(raw, bytes):
        if len(raw) > MAX_FILE_BYTES:
            raise ValidationError({"file": [f"The file is larger than "
                                            f"{MAX_FILE_BYTES // (1024 * 1024)} MB."]})
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError({"file": ["The file is not UTF-8 text."]}) from None
    if message := parsers.depth_problem(raw):
        raise ValidationError({"file": [message]})
    try:
        document = parsers.decode(raw)
    except ValueError as exc:
        where = (f" at line {exc.lineno}, column {exc.colno}"
                 if isinstance(exc, json.JSONDecodeError) else "")
        message = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
        raise ValidationError({"file": [f"Not JSON: {message}{where}."]}) from None
    # Before the schema, whose messages would echo a value no response can carry.
    errors = _Errors()
    for parts, message in parsers.problems(document):
        errors.add(list(parts), message)
        if len(errors) >= MAX_ERRORS:
            break
    errors.raise_if_any()
    return document


def _check_schema(document, errors):
    validator = jsonschema.Draft202012Validator(schema())
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        found = document.get("format") if isinstance(document, dict) else None
        errors.add(["format"], f"Expected \"{FORMAT}\", found {json.dumps(found)}: this "
                               "installation reads version 1 of the model format only.")
        return
    for error in sorted(validator.iter_errors(document), key=lambda e: list(map(str, e.path))):
        errors.add(list(error.absolute_path), error.message)
        if len(errors) >= MAX_ERRORS:
            return


def _moment(value, parts, errors):
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        errors.add(parts, f"{value!r} is not an ISO 8601 date-time.")
        return None
    if timezone.is_naive(parsed):
        errors.add(parts, f"{value!r} has no UTC offset.")
        return None
    return parsed


def _day(value, parts, errors):
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors.add(parts, f"{value!r} is not an ISO 8601 date.")
        return None


@lru_cache(maxsize=4096)
def _render(text):
    return rendering.render(text)


def _check_history(document, at, person, function, errors):
    """The checks a section and a definition share: revisions numbered 1, 2, 3…, the
    current and last-reviewed revision among them, reviews and stale flags that refer
    to what exists, at most one flag open. Returns the number of revisions."""
    revisions = document["revisions"]
    for k, revision in enumerate(revisions):
        rat = [*at, "revisions", k]
        if revision["number"] != k + 1:
            errors.add([*rat, "number"], f"Revisions are numbered 1, 2, 3… without "
                                         f"gaps: expected {k + 1}, found "
                                         f"{revision['number']}.")
        if revision["base_number"] >= revision["number"]:
            errors.add([*rat, "base_number"], "A revision is based on an earlier one.")
        person(revision["author"], [*rat, "author"])
        _moment(revision["created_at"], [*rat, "created_at"], errors)
    if document["revision"] != len(revisions):
        errors.add([*at, "revision"], f"The current revision must be the last one "
                                       f"({len(revisions)}), not {document['revision']}.")
    last = document["last_reviewed_revision"]
    if last is not None and last > len(revisions):
        errors.add([*at, "last_reviewed_revision"], f"There is no revision {last}.")
    for k, review in enumerate(document["reviews"]):
        vat = [*at, "reviews", k]
        if review["revision"] > len(revisions):
            errors.add([*vat, "revision"], f"There is no revision {review['revision']}.")
        person(review["reviewer"], [*vat, "reviewer"])
        _moment(review["reviewed_at"], [*vat, "reviewed_at"], errors)
        _day(review["reviewed_on"], [*vat, "reviewed_on"], errors)
    open_flags = 0
    for k, flag in enumerate(document["stale_flags"]):
        fat = [*at, "stale_flags", k]
        open_flags += flag["closed_at"] is None
        closed_by = flag["closed_by_review"]
        if closed_by is not None and closed_by >= len(document["reviews"]):
            errors.add([*fat, "closed_by_review"], f"There is no review {closed_by} "
                                                   f"(counting from 0).")
        if flag.get("escalated_to") is not None:
            function(flag["escalated_to"], [*fat, "escalated_to"])
        for name in ("raised_at", "closed_at", "escalated_at"):
            _moment(flag.get(name), [*fat, name], errors)
        for name in ("raised_on", "last_reviewed_on"):
            _day(flag[name], [*fat, name], errors)
    if open_flags > 1:
        errors.add([*at, "stale_flags"], "At most one stale flag is open at a time.")
    return len(revisions)


def _check_rules(doc, errors):
    people = {p["username"] for p in doc["people"]}
    dupes = [u for u, n in Counter(p["username"] for p in doc["people"]).items() if n > 1]
    for u in dupes:
        errors.add(["people"], f"The username {u!r} appears more than once.")
    slugs = [f["slug"] for f in doc["functions"]]
    for i, f in enumerate(doc["functions"]):
        if slugs.count(f["slug"]) > 1:
            errors.add(["functions", i, "slug"], f"The slug {f['slug']!r} appears more than once.")
    slugs = set(slugs)

    def person(value, parts):
        if value is not None and value not in people:
            errors.add(parts, f"{value!r} is not one of the people in this file.")

    def function(value, parts):
        if value not in slugs:
            errors.add(parts, f"{value!r} is not one of the functions in this file.")

    for i, f in enumerate(doc["functions"]):
        person(f["head"], ["functions", i, "head"])
        person(f.get("deputy"), ["functions", i, "deputy"])
        if f.get("deputy") is not None and f.get("deputy") == f["head"]:
            errors.add(["functions", i, "deputy"], "A seat's deputy cannot be its holder.")
        if f.get("vacant_since") is not None:
            _moment(f["vacant_since"], ["functions", i, "vacant_since"], errors)

    titles = Counter(b["title"].lower() for b in doc["runbooks"])
    sections = set()
    if sum(b["is_default"] for b in doc["runbooks"]) > 1:
        errors.add(["runbooks"], "At most one run book can be the default.")
    for i, book in enumerate(doc["runbooks"]):
        at = ["runbooks", i]
        if book.get("archived_at") and book["is_default"]:
            errors.add([*at, "is_default"], "An archived run book cannot be the default.")
        if titles[book["title"].lower()] > 1:
            errors.add([*at, "title"], f"Two run books are titled {book['title']!r}.")
        person(book["created_by"], [*at, "created_by"])
        _moment(book["created_at"], [*at, "created_at"], errors)
        kinds = [s["kind"] for s in book["sections"]]
        if kinds != list(SectionKind.values):
            errors.add([*at, "sections"], "A run book has six sections, one of each kind, in "
                                          "the order " + ", ".join(SectionKind.values) + ".")
        numbers = {}
        for j, section in enumerate(book["sections"]):
            sat = [*at, "sections", j]
            sections.add((book["title"], section["kind"]))
            function(section["owner"], [*sat, "owner"])
            person(section["last_reviewed_by"], [*sat, "last_reviewed_by"])
            _moment(section["last_reviewed_at"], [*sat, "last_reviewed_at"], errors)
            _day(section["last_reviewed_on"], [*sat, "last_reviewed_on"], errors)
            numbers[section["kind"]] = _check_history(section, sat, person, function, errors)
        release_numbers = Counter(r["number"] for r in book["releases"])
        release_names = Counter(r["name"] for r in book["releases"])
        for k, release in enumerate(book["releases"]):
            lat = [*at, "releases", k]
            if release_numbers[release["number"]] > 1:
                errors.add([*lat, "number"], f"Two releases are numbered {release['number']}.")
            if release_names[release["name"]] > 1:
                errors.add([*lat, "name"], f"Two releases are named {release['name']!r}.")
            person(release["created_by"], [*lat, "created_by"])
            _moment(release["created_at"], [*lat, "created_at"], errors)
            seen = Counter(e["kind"] for e in release["sections"])
            for m, entry in enumerate(release["sections"]):
                eat = [*lat, "sections", m]
                if seen[entry["kind"]] > 1:
                    errors.add([*eat, "kind"], f"The {entry['kind']} section is pinned twice.")
                if entry["revision"] is not None and entry["revision"] > numbers.get(
                        entry["kind"], 0):
                    errors.add([*eat, "revision"], f"There is no revision {entry['revision']}.")
                _day(entry["last_reviewed_on"], [*eat, "last_reviewed_on"], errors)

    def section_ref(ref, parts):
        if ref is not None and (ref["runbook"], ref["kind"]) not in sections:
            errors.add(parts, f"No run book {ref['runbook']!r} with a {ref['kind']} section "
                              "in this file.")

    if sum(m["is_current"] for m in doc["raci"]) > 1:
        errors.add(["raci"], "At most one matrix can be the current one.")
    for i, matrix in enumerate(doc["raci"]):
        at = ["raci", i]
        if matrix.get("archived_at") and matrix["is_current"]:
            errors.add([*at, "is_current"], "An archived matrix cannot be the current one.")
        for name in ("created_at", "updated_at"):
            _moment(matrix[name], [*at, name], errors)
        names = Counter(r["name"].strip().lower() for r in matrix["rows"])
        for j, row in enumerate(matrix["rows"]):
            rat = [*at, "rows", j]
            if names[row["name"].strip().lower()] > 1:
                errors.add([*rat, "name"], f"Two rows are named {row['name']!r}.")
            for slug_ in row["cells"]:
                function(slug_, [*rat, "cells", slug_])
            accountable = sorted(s for s, letter in row["cells"].items() if letter in ("A", "A/R"))
            if len(accountable) != 1:
                errors.add([*rat, "cells"], (
                    f"Row {row['name']!r} must have exactly one Accountable (A or A/R); it has "
                    + (", ".join(accountable) if accountable else "none") + "."))
        for j, signoff in enumerate(matrix["signoffs"]):
            sat = [*at, "signoffs", j]
            function(signoff["function"], [*sat, "function"])
            person(signoff["signed_by"], [*sat, "signed_by"])
            _moment(signoff["signed_at"], [*sat, "signed_at"], errors)
            if signoff["version"] > matrix["version"]:
                errors.add([*sat, "version"], f"The matrix is only at version {matrix['version']}.")
        keys = Counter((s["function"], s["version"]) for s in matrix["signoffs"])
        for (slug_, version), n in keys.items():
            if n > 1:
                errors.add([*at, "signoffs"], f"{slug_} signed version {version} twice.")

    start_month = doc["fiscal_year_start_month"]
    if start_month != fiscal.start_month():
        errors.add(["fiscal_year_start_month"], (
            f"This file's fiscal year starts in month {start_month}, this installation's in "
            f"month {fiscal.start_month()}: quarterly rituals and staleness would move. "
            "Change the organisation's fiscal start month in Settings first."))
    for i, ritual in enumerate(doc["rituals"]):
        at = ["rituals", i]
        if ritual["owner"] is not None:
            function(ritual["owner"], [*at, "owner"])
        for j, slug_ in enumerate(ritual["attendees"]):
            function(slug_, [*at, "attendees", j])
        person(ritual["owner_person"], [*at, "owner_person"])
        section_ref(ritual["output_section"], [*at, "output_section"])
        starts = _moment(ritual["schedule_start"], [*at, "schedule_start"], errors)
        for name in ("created_at", "updated_at"):
            _moment(ritual[name], [*at, name], errors)
        try:
            cadence_rules.check_duration(ritual["duration_minutes"])
            if starts is not None:
                cadence_rules.schedule(horizon=ritual["horizon"], rrule=ritual["rrule"],
                                       timezone=ritual["timezone"], starts_at=starts,
                                       start_month=fiscal.start_month())
        except cadence_rules.ScheduleError as exc:
            field = {"duration_minutes": "duration_minutes", "timezone": "timezone",
                     "horizon": "horizon"}.get(exc.field, "rrule")
            errors.add([*at, field], exc.message)
        times = Counter(o["scheduled_for"] for o in ritual["occurrences"])
        for j, occurrence in enumerate(ritual["occurrences"]):
            oat = [*at, "occurrences", j]
            if times[occurrence["scheduled_for"]] > 1:
                errors.add([*oat, "scheduled_for"], "Two occurrences of this ritual at "
                                                    f"{occurrence['scheduled_for']}.")
            for name in ("scheduled_for", "recorded_at", "reminded_at"):
                _moment(occurrence[name], [*oat, name], errors)
            person(occurrence["recorded_by"], [*oat, "recorded_by"])
            for k, ref in enumerate(occurrence["reviewed_sections"]):
                section_ref(ref, [*oat, "reviewed_sections", k])
            if len(errors) >= MAX_ERRORS:
                return

    definitions = doc.get("definitions", [])
    slugs_seen = Counter(slugify(d["term"]) for d in definitions)
    for i, definition in enumerate(definitions):
        at = ["definitions", i]
        if not slugify(definition["term"]) or slugs_seen[slugify(definition["term"])] > 1:
            errors.add([*at, "term"], f"The term {definition['term']!r} is empty or defined "
                                      "twice.")
        function(definition["owner"], [*at, "owner"])
        for k, slug in enumerate(definition["agreeing"]):
            function(slug, [*at, "agreeing", k])
        section_ref(definition["section"], [*at, "section"])
        person(definition["last_reviewed_by"], [*at, "last_reviewed_by"])
        _moment(definition["created_at"], [*at, "created_at"], errors)
        _moment(definition["last_reviewed_at"], [*at, "last_reviewed_at"], errors)
        _day(definition["last_reviewed_on"], [*at, "last_reviewed_on"], errors)
        revisions = _check_history(definition, at, person, function, errors)
        for k, agreement in enumerate(definition["agreements"]):
            gat = [*at, "agreements", k]
            if agreement["function"] not in definition["agreeing"]:
                errors.add([*gat, "function"], f"{agreement['function']!r} is not one of the "
                                               "functions that agree to this definition.")
            if agreement["revision"] > revisions:
                errors.add([*gat, "revision"], f"There is no revision {agreement['revision']}.")
            person(agreement["agreed_by"], [*gat, "agreed_by"])
            _moment(agreement["agreed_at"], [*gat, "agreed_at"], errors)
        if len(errors) >= MAX_ERRORS:
            return
    _check_assessments(doc, person, errors)


def _check_assessments(doc, person, errors):
    """Each maturity assessment names a fiscal quarter, once; its scores and notes pass
    the model's own validation; the refresh it names is an occurrence in this file."""
    times = [{_moment(o["scheduled_for"], [], _Errors()) for o in r["occurrences"]}
             for r in doc["rituals"]]
    seen = Counter()
    for i, assessment in enumerate(doc.get("maturity_assessments", [])):
        at = ["maturity_assessments", i]
        try:
            quarter = fiscal.parse_quarter(assessment["quarter"])
        except ValueError as exc:
            errors.add([*at, "quarter"], str(exc))
        else:
            seen[quarter.start] += 1
            if seen[quarter.start] > 1:
                errors.add([*at, "quarter"], f"{quarter.code} is assessed twice in this file.")
        try:
            MaturityAssessment(**{name: assessment[name] for name in ASSESSMENT_VALUES}).full_clean(
                exclude=["quarter_start", "occurrence", "recorded_by", "recorded_at",
                         "updated_at"], validate_constraints=False)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                for message in messages:
                    errors.add([*at, name], message)
        person(assessment["recorded_by"], [*at, "recorded_by"])
        for name in ("recorded_at", "updated_at"):
            _moment(assessment[name], [*at, name], errors)
        ref = assessment["occurrence"]
        if ref is not None:
            when = _moment(ref["scheduled_for"], [*at, "occurrence", "scheduled_for"], errors)
            if ref["ritual"] >= len(times):
                errors.add([*at, "occurrence", "ritual"], f"There is no ritual {ref['ritual']} "
                                                          "(counting from 0).")
            elif when is not None and when not in times[ref["ritual"]]:
                errors.add([*at, "occurrence"], f"The ritual has no occurrence at "
                                                f"{ref['scheduled_for']}.")
        if len(errors) >= MAX_ERRORS:
            return


def check_document(document):
    """Every problem of ``document`` as ``{json_path: [message]}``; raises a
    ValidationError holding them, or returns when the document can be imported."""
    errors = _Errors()
    _check_schema(document, errors)
    errors.raise_if_any()
    _check_rules(document, errors)
    errors.raise_if_any()


# Writing --------------------------------------------------------------------------------


class _Model:
    """What the one audit entry of an import is about: the model as a whole."""

    pk = "model"

    def __str__(self):
        return "Operating model"


def _t(value):
    return datetime.fromisoformat(value) if value is not None else None


def _d(value):
    return date.fromisoformat(value) if value is not None else None


def _people(doc):
    """Username → user; missing people are created inactive, with no usable password."""
    User = get_user_model()
    wanted = {p["username"]: p for p in doc["people"]}
    found = {u.get_username(): u for u in User.objects.filter(username__in=wanted)}
    new = []
    for username, p in wanted.items():
        if username not in found:
            user = User(username=username, first_name=p["first_name"], last_name=p["last_name"],
                        email=p["email"], is_active=False)
            user.set_unusable_password()
            new.append(user)
    for user in User.objects.bulk_create(new):
        found[user.get_username()] = user
    return found


def _functions(doc, people):
    existing = {f.slug: f for f in Function.objects.all()}
    heads = set()
    now = timezone.now()
    for f in doc["functions"]:
        head = people[f["head"]] if f["head"] else None
        deputy = people[f["deputy"]] if f.get("deputy") else None
        function = existing.get(f["slug"]) or Function(slug=f["slug"])
        function.name, function.position, function.head = f["name"], f["position"], head
        function.deputy = deputy
        # A file from before seats had dates: a headless seat is vacant from the import.
        function.vacant_since = (None if head is not None else
                                 _t(f.get("vacant_since")) or now)
        function.save()
        existing[f["slug"]] = function
        heads.update(p.pk for p in (head, deputy) if p is not None)
    get_user_model().objects.filter(pk__in=heads, is_superuser=False).update(is_staff=True)
    return existing


def _runbooks(doc, people, functions):
    def user(name):
        return people[name] if name else None

    taken = {t.lower() for t in Runbook.objects.values_list("title", flat=True)}
    clash = [b["title"] for b in doc["runbooks"] if b["title"].lower() in taken]
    if clash:
        raise ValidationError({"runbooks": [
            f"A run book titled {clash[0]!r} already exists on this installation."]})
    if any(b["is_default"] for b in doc["runbooks"]):
        Runbook.objects.filter(is_default=True).update(is_default=False)
    books = Runbook.objects.bulk_create([Runbook(
        title=b["title"], motion=b["motion"], is_default=b["is_default"], version=b["version"],
        created_at=_t(b["created_at"]), created_by=user(b["created_by"]),
        archived_at=_t(b.get("archived_at")))
        for b in doc["runbooks"]])
    section_docs = [(book, s) for book, b in zip(books, doc["runbooks"], strict=True)
                    for s in b["sections"]]
    sections = Section.objects.bulk_create([Section(
        runbook=book, kind=s["kind"], position=SectionKind.position_of(s["kind"]),
        title=s["title"], owner=functions[s["owner"]], revision=s["revision"],
        last_reviewed_at=_t(s["last_reviewed_at"]), last_reviewed_on=_d(s["last_reviewed_on"]),
        last_reviewed_by=user(s["last_reviewed_by"]),
        last_reviewed_revision=s["last_reviewed_revision"]) for book, s in section_docs])
    revision_of = _write_history(
        [(section, s) for section, (_, s) in zip(sections, section_docs, strict=True)],
        Revision, Review, StaleFlag, user, functions)
    by_book_kind = {(s.runbook_id, s.kind): s for s in sections}
    release_docs = [(book, r) for book, b in zip(books, doc["runbooks"], strict=True)
                    for r in b["releases"]]
    releases = Release.objects.bulk_create([Release(
        runbook=book, number=r["number"], name=r["name"], note=r["note"],
        created_at=_t(r["created_at"]), created_by=user(r["created_by"]))
        for book, r in release_docs])
    entries = []
    for release, (book, r) in zip(releases, release_docs, strict=True):
        for e in r["sections"]:
            section = by_book_kind[(book.pk, e["kind"])]
            entries.append(ReleaseSection(
                release=release, section=section,
                revision=revision_of[(section.pk, e["revision"])] if e["revision"] else None,
                review_state=e["review_state"], last_reviewed_on=_d(e["last_reviewed_on"]),
                last_reviewed_by_name=e["last_reviewed_by_name"],
                last_reviewed_revision=e["last_reviewed_revision"]))
    ReleaseSection.objects.bulk_create(entries, batch_size=BATCH)
    search.refresh_sections([s.pk for s in sections])
    search.refresh_releases([r.pk for r in releases])
    return {(book.title, s.kind): s for book in books for s in sections
            if s.runbook_id == book.pk}


def _write_history(pairs, revisions, reviews, flags, user, functions, *, revision_fields=()):
    """Write the revisions, reviews and stale flags of each ``(document, its doc)`` in
    ``pairs`` (sections or definitions), in three statements. Returns
    ``{(document id, number): revision}``."""
    key = flags.document_key
    made = revisions.objects.bulk_create([revisions(
        **{key: document}, number=r["number"], base_number=r["base_number"], body=r["body"],
        body_html=_render(r["body"]), summary=r["summary"], created_at=_t(r["created_at"]),
        created_by=user(r["author"]), door=r["door"],
        **{name: r[name] for name in revision_fields})
        for document, d in pairs for r in d["revisions"]], batch_size=BATCH)
    written = reviews.objects.bulk_create([reviews(
        **{key: document}, revision_number=r["revision"], reviewed_at=_t(r["reviewed_at"]),
        reviewed_on=_d(r["reviewed_on"]), reviewer=user(r["reviewer"]), door=r["door"],
        note=r["note"])
        for document, d in pairs for r in d["reviews"]], batch_size=BATCH)
    reviews_of = {}
    for review in written:
        reviews_of.setdefault(getattr(review, f"{key}_id"), []).append(review)
    flags.objects.bulk_create([flags(
        **{key: document}, raised_at=_t(f["raised_at"]), raised_on=_d(f["raised_on"]),
        state=f["state"], last_reviewed_on=_d(f["last_reviewed_on"]),
        closed_at=_t(f["closed_at"]),
        closed_by=(reviews_of[document.pk][f["closed_by_review"]]
                   if f["closed_by_review"] is not None else None),
        # Files written before escalations travelled have neither: not escalated.
        escalated_at=_t(f.get("escalated_at")),
        escalated_to=functions[f["escalated_to"]] if f.get("escalated_to") else None)
        for document, d in pairs for f in d["stale_flags"]], batch_size=BATCH)
    return {(getattr(r, f"{key}_id"), r.number): r for r in made}


def _definitions(doc, people, functions, sections, *, replace):
    """The glossary of the file, its history and agreements. A term this installation
    already defines is refused, unless the model is being replaced: then the existing
    definition is kept, renamed "… · archived <when>" like the archived run books.
    Returns ``(definitions written, definitions archived)``."""
    def user(name):
        return people[name] if name else None

    items = doc.get("definitions", [])
    wanted = {slugify(d["term"]) for d in items}
    renamed = []
    if replace:
        stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M:%S")
        for old in Definition.objects.filter(slug__in=wanted):
            term = f"{old.term}{bootstrap.ARCHIVED}{stamp}"[:80]
            Definition.objects.filter(pk=old.pk).update(term=term, slug=slugify(term)[:90])
            renamed.append(old.pk)
    archived = len(renamed)
    taken = set(Definition.objects.filter(slug__in=wanted).values_list("slug", flat=True))
    clash = [i for i, d in enumerate(items) if slugify(d["term"]) in taken]
    if clash:
        raise ValidationError({json_path(["definitions", clash[0], "term"]): [
            f"A definition of {items[clash[0]]['term']!r} already exists on this "
            "installation."]})
    definitions = Definition.objects.bulk_create([Definition(
        term=d["term"], slug=slugify(d["term"]), layer=d["layer"],
        owner=functions[d["owner"]], formula=d["formula"], created_at=_t(d["created_at"]),
        section=sections[(d["section"]["runbook"], d["section"]["kind"])]
        if d["section"] else None,
        revision=d["revision"], last_reviewed_at=_t(d["last_reviewed_at"]),
        last_reviewed_on=_d(d["last_reviewed_on"]), last_reviewed_by=user(d["last_reviewed_by"]),
        last_reviewed_revision=d["last_reviewed_revision"]) for d in items])
    Agreeing = Definition.agreeing.through
    Agreeing.objects.bulk_create([
        Agreeing(definition_id=definition.pk, function_id=functions[slug].pk)
        for definition, d in zip(definitions, items, strict=True) for slug in d["agreeing"]])
    _write_history(list(zip(definitions, items, strict=True)), DefinitionRevision,
                   DefinitionReview, DefinitionStaleFlag, user, functions,
                   revision_fields=("formula",))
    Agreement.objects.bulk_create([Agreement(
        definition=definition, function=functions[a["function"]],
        revision_number=a["revision"], agreed_at=_t(a["agreed_at"]),
        agreed_by=user(a["agreed_by"]), door=a["door"])
        for definition, d in zip(definitions, items, strict=True) for a in d["agreements"]],
        batch_size=BATCH)
    search.refresh_definitions([d.pk for d in definitions] + renamed)
    return len(definitions), archived


def _raci(doc, people, functions):
    if any(m["is_current"] for m in doc["raci"]):
        Matrix.objects.filter(is_current=True).update(is_current=False)
    matrices = Matrix.objects.bulk_create([Matrix(
        title=m["title"], version=m["version"], is_current=m["is_current"],
        created_at=_t(m["created_at"]), updated_at=_t(m["updated_at"]),
        archived_at=_t(m.get("archived_at"))) for m in doc["raci"]])
    row_docs = [(matrix, r) for matrix, m in zip(matrices, doc["raci"], strict=True)
                for r in m["rows"]]
    rows = []
    for matrix, r in row_docs:
        slug = next(s for s, letter in r["cells"].items() if letter in ("A", "A/R"))
        rows.append(Row(matrix=matrix, layer=r["layer"], name=r["name"].strip(),
                        description=r["description"], position=r["position"],
                        accountable=functions[slug],
                        accountable_also_responsible=r["cells"][slug] == "A/R"))
    rows = Row.objects.bulk_create(rows, batch_size=BATCH)
    refresh_vectors(Row, [row.pk for row in rows])
    Cell.objects.bulk_create([
        Cell(row=row, function=functions[slug], letter=letter, accountable_id=row.accountable_id)
        for row, (_, r) in zip(rows, row_docs, strict=True)
        for slug, letter in sorted(r["cells"].items(), key=lambda c: functions[c[0]].position)
        if letter not in ("A", "A/R")], batch_size=BATCH)
    SignOff.objects.bulk_create([SignOff(
        matrix=matrix, function=functions[s["function"]], version=s["version"],
        signed_by=people[s["signed_by"]] if s["signed_by"] else None,
        signed_by_name=s["signed_by_name"], signed_at=_t(s["signed_at"]), snapshot=s["snapshot"])
        for matrix, m in zip(matrices, doc["raci"], strict=True) for s in m["signoffs"]],
        batch_size=BATCH)


def _cadence(doc, people, functions, sections):
    def ref(value):
        return sections[(value["runbook"], value["kind"])] if value else None

    rituals = Ritual.objects.bulk_create([Ritual(
        name=r["name"], horizon=r["horizon"], layer=r["layer"], purpose=r["purpose"],
        owner=functions[r["owner"]] if r["owner"] else None,
        owner_person=people[r["owner_person"]] if r["owner_person"] else None,
        duration_minutes=r["duration_minutes"], output=r["output"],
        output_section=ref(r["output_section"]), agenda=r["agenda"],
        agenda_html=_render(r["agenda"]), timezone=r["timezone"], rrule=r["rrule"],
        active=r["active"], reminder_lead=timedelta(seconds=r["reminder_lead_seconds"]),
        grace=timedelta(seconds=r["grace_seconds"]) if r["grace_seconds"] is not None else None,
        schedule_start=_t(r["schedule_start"]), sequence=r["sequence"],
        created_at=_t(r["created_at"]), updated_at=_t(r["updated_at"]),
        archived_at=_t(r.get("archived_at")))
        for r in doc["rituals"]])
    refresh_vectors(Ritual, [ritual.pk for ritual in rituals])
    Attendee = Ritual.attendees.through
    Attendee.objects.bulk_create([
        Attendee(ritual_id=ritual.pk, function_id=functions[slug].pk)
        for ritual, r in zip(rituals, doc["rituals"], strict=True) for slug in r["attendees"]],
        batch_size=BATCH)
    occurrence_docs = [(ritual, o) for ritual, r in zip(rituals, doc["rituals"], strict=True)
                       for o in r["occurrences"]]
    index = {id(ritual): i for i, ritual in enumerate(rituals)}
    occurrences = Occurrence.objects.bulk_create([Occurrence(
        ritual=ritual, scheduled_for=_t(o["scheduled_for"]), status=o["status"],
        notes=o["notes"], notes_html=_render(o["notes"]), recorded_at=_t(o["recorded_at"]),
        recorded_by=people[o["recorded_by"]] if o["recorded_by"] else None,
        reminded_at=_t(o["reminded_at"])) for ritual, o in occurrence_docs], batch_size=BATCH)
    Reviewed = Occurrence.reviewed_sections.through
    Reviewed.objects.bulk_create([
        Reviewed(occurrence_id=occurrence.pk, section_id=ref(value).pk)
        for occurrence, (_, o) in zip(occurrences, occurrence_docs, strict=True)
        for value in o["reviewed_sections"]], batch_size=BATCH)
    by_time = {(index[id(ritual)], occurrence.scheduled_for): occurrence
               for occurrence, (ritual, _) in zip(occurrences, occurrence_docs, strict=True)}
    return len(rituals), by_time


def _maturity(doc, people, occurrences, *, replace):
    """The file's maturity assessments, tied to the refreshes they name. A quarter this
    installation has assessed already is refused, unless the model is being replaced:
    then the file's assessment takes its place (one per quarter; the one it replaces
    stays in the audit log). Returns ``(assessments written, assessments replaced)``."""
    items = doc.get("maturity_assessments", [])
    starts = [fiscal.parse_quarter(a["quarter"]).start for a in items]
    here = MaturityAssessment.objects.filter(quarter_start__in=starts)
    replaced = 0
    if replace:
        replaced = here.delete()[1].get(MaturityAssessment._meta.label, 0)
    else:
        taken = set(here.values_list("quarter_start", flat=True))
        clash = [i for i, start in enumerate(starts) if start in taken]
        if clash:
            raise ValidationError({json_path(["maturity_assessments", clash[0], "quarter"]): [
                f"{items[clash[0]]['quarter']} is already assessed on this installation; "
                "import with replace to take the file's assessment instead."]})

    def refresh(ref):
        return occurrences[(ref["ritual"], _t(ref["scheduled_for"]))] if ref else None

    MaturityAssessment.objects.bulk_create([MaturityAssessment(
        quarter_start=start, **{name: a[name] for name in ASSESSMENT_VALUES},
        occurrence=refresh(a["occurrence"]),
        recorded_by=people[a["recorded_by"]] if a["recorded_by"] else None,
        recorded_at=_t(a["recorded_at"]), updated_at=_t(a["updated_at"]))
        for start, a in zip(starts, items, strict=True)])
    return len(items), replaced


@transaction.atomic
def import_model(*, document, actor, door, replace=False):
    """Write ``document`` (already parsed) as this installation's model, all or nothing.

    A ValidationError keyed by JSON path when the document is wrong; ``ModelExists``
    (409) when a model is here and ``replace`` is not given; with ``replace`` the live
    model is archived first. Returns counts of what was written."""
    policy.require_administer(actor)
    check_document(document)
    had_a_lead = seats.active_leads().exists()
    existing = bootstrap.existing_model()
    archived = {}
    if existing:
        if not replace:
            raise bootstrap.ModelExists(existing)
        archived = bootstrap.archive_model(actor=actor, door=door)
    people = _people(document)
    functions = _functions(document, people)
    sections = _runbooks(document, people, functions)
    _raci(document, people, functions)
    rituals, occurrences = _cadence(document, people, functions, sections)
    assessments, assessments_replaced = _maturity(document, people, occurrences,
                                                  replace=replace)
    definitions, definitions_archived = _definitions(document, people, functions, sections,
                                                     replace=replace)
    if definitions_archived:
        archived = {**archived, "definitions": definitions_archived}
    counts = {
        "people": len(document["people"]), "functions": len(document["functions"]),
        "runbooks": len(document["runbooks"]),
        "revisions": sum(len(s["revisions"]) for b in document["runbooks"]
                         for s in b["sections"]),
        "matrices": len(document["raci"]), "rituals": rituals,
        "occurrences": len(occurrences), "definitions": definitions,
        "maturity_assessments": assessments, "archived": archived,
    }
    if assessments_replaced:
        counts["replaced"] = {"maturity_assessments": assessments_replaced}
    if had_a_lead:
        # The file's seats replace ours: the RevOps seat may go to someone who cannot sign
        # in. The install keeps someone who can run it, or nothing is imported.
        seats.require_a_lead_remains()
    audit.record(actor=actor, door=door, action="import", obj=_Model(), object_type="model",
                 changes=counts)
    return counts
