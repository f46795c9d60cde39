"""Checking a model file whole before anything is written: the schema first, then the
rules the schema cannot say, each error named by its JSON path. The domain rules are
the apps' own (``raci.rules``, ``cadence.rules``, ``runbook.rules``); what is checked
here is what only a file can get wrong: references that must resolve within it and
histories that must add up."""

import json
from collections import Counter
from datetime import date, datetime

import jsonschema
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import slugify

from cadence import rules as cadence_rules
from cadence.choices import ActionState
from changes import items
from insights import rules as insights_rules
from overview.model_file.document import (
    ASSESSMENT_VALUES,
    FORMAT,
    MAX_ERRORS,
    MAX_FILE_BYTES,
    TOO_LARGE,
    json_path,
    schema,
)
from overview.models import MaturityAssessment
from raci import rules as raci_rules
from revops import fiscal
from revops.api import parsers
from runbook.choices import SectionKind


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


def read_document(raw, *, limited=True):
    """Bytes or text of a model file → the parsed document, or a ValidationError on
    ``file`` (larger than ``MAX_FILE_BYTES``, not JSON, nested too deep) or on the JSON
    path of each value no column can hold (a NUL, a lone surrogate, a number too long or
    too large). The size limit guards the web's doors (a request's body and time);
    ``limited=False`` is for the command, which reads a file already on the server."""
    if isinstance(raw, bytes):
        if limited and len(raw) > MAX_FILE_BYTES:
            raise ValidationError({"file": [TOO_LARGE]})
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

    function_names = {f["slug"]: f["name"] for f in doc["functions"]}
    if sum(m["is_current"] for m in doc["raci"]) > 1:
        errors.add(["raci"], "At most one matrix can be the current one.")
    for i, matrix in enumerate(doc["raci"]):
        at = ["raci", i]
        if matrix.get("archived_at") and matrix["is_current"]:
            errors.add([*at, "is_current"], "An archived matrix cannot be the current one.")
        for name in ("created_at", "updated_at"):
            _moment(matrix[name], [*at, name], errors)
        names = Counter(raci_rules.row_name_key(r["name"]) for r in matrix["rows"])
        for j, row in enumerate(matrix["rows"]):
            rat = [*at, "rows", j]
            if names[raci_rules.row_name_key(row["name"])] > 1:
                errors.add([*rat, "name"], f"Two rows are named {row['name']!r}.")
            for slug_ in row["cells"]:
                function(slug_, [*rat, "cells", slug_])
            try:
                raci_rules.exactly_one_accountable(row["name"], row["cells"], function_names)
            except ValidationError as exc:
                errors.add([*rat, "cells"], exc.messages[0])
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
            for k, slug_ in enumerate(occurrence.get("present", [])):
                function(slug_, [*oat, "present", k])
            _moment(occurrence.get("recapped_at"), [*oat, "recapped_at"], errors)
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
    times = [{_moment(o["scheduled_for"], [], _Errors()) for o in r["occurrences"]}
             for r in doc["rituals"]]

    def occurrence_ref(ref, parts):
        """``ref`` (``{ritual: index, scheduled_for}``) names an occurrence of this file."""
        when = _moment(ref["scheduled_for"], [*parts, "scheduled_for"], errors)
        if ref["ritual"] >= len(times):
            errors.add([*parts, "ritual"], f"There is no ritual {ref['ritual']} "
                                           "(counting from 0).")
        elif when is not None and when not in times[ref["ritual"]]:
            errors.add(parts, f"The ritual has no occurrence at {ref['scheduled_for']}.")

    _check_assessments(doc, person, occurrence_ref, errors)
    _check_outcomes(doc, person, function, section_ref, occurrence_ref, errors)
    _check_scorecard(doc, person, function, errors)
    _check_change_control(doc, person, function, section_ref, errors)


def _check_outcomes(doc, person, function, section_ref, occurrence_ref, errors):
    """Each decision and action item names an occurrence of this file and people and
    functions of it; a decision links at most one item, and that item is in the file;
    an action item is closed (when, by whom) exactly when it is not open, and a dropped
    one says why: the database's own checks, said at their paths."""
    terms = {d["term"] for d in doc.get("definitions", [])}
    for i, decision in enumerate(doc.get("decisions", [])):
        at = ["decisions", i]
        occurrence_ref(decision["occurrence"], [*at, "occurrence"])
        function(decision["owner"], [*at, "owner"])
        _day(decision["revisit_on"], [*at, "revisit_on"], errors)
        for name in ("revisit_raised_at", "created_at"):
            _moment(decision[name], [*at, name], errors)
        link = decision["link"] or {}
        if len(link) > 1:
            errors.add([*at, "link"], "A decision links at most one item: a section, a "
                                      "definition, a RACI row or a ritual.")
        for kind, place in link.items():
            _check_item(doc, kind, place, [*at, "link", kind], section_ref, terms, errors)
        if len(errors) >= MAX_ERRORS:
            return
    for i, action in enumerate(doc.get("action_items", [])):
        at = ["action_items", i]
        occurrence_ref(action["occurrence"], [*at, "occurrence"])
        person(action["owner"], [*at, "owner"])
        person(action["closed_by"], [*at, "closed_by"])
        _day(action["due"], [*at, "due"], errors)
        for name in ("created_at", "closed_at"):
            _moment(action[name], [*at, name], errors)
        if (action["state"] == ActionState.OPEN) != (action["closed_at"] is None):
            errors.add([*at, "closed_at"], "An action item has a closed_at exactly when it "
                                           "is done or dropped.")
        if action["state"] == ActionState.DROPPED and not action["drop_reason"].strip():
            errors.add([*at, "drop_reason"], "A dropped action item says why.")
        if len(errors) >= MAX_ERRORS:
            return


def _check_scorecard(doc, person, function, errors):
    """The metrics, their values and off-track items refer to what the file holds, as the
    scorecard's services would have it: a metric stands on a definition of the file
    (a system metric may not), is a system metric only as one the app computes, and a
    composite's formula names metrics of the file that hold values and share its cadence;
    every period fits its metric's cadence; one value per metric and period, and none for
    a composite; one item per off-track run and at most one open per metric."""
    metrics = doc.get("metrics", [])
    terms = {d["term"] for d in doc.get("definitions", [])}
    system = {plan.key for plan in insights_rules.SYSTEM}
    by_slug = {m["slug"]: m for m in metrics}
    parts = {insights_rules.variable(m["slug"]): m for m in metrics if not m["formula"]}
    slugs = Counter(m["slug"] for m in metrics)
    start_month = doc["fiscal_year_start_month"]

    def metric_named(slug, where):
        """The file's metric ``slug``, or None with the error at ``where``."""
        if slug not in by_slug:
            errors.add(where, f"{slug!r} is not one of the metrics in this file.")
        return by_slug.get(slug)

    def period(metric, key, where):
        try:
            return insights_rules.parse_period(metric["period"], key, start_month=start_month)
        except ValueError as exc:
            errors.add(where, f"{metric['slug']!r} is measured {metric['period']}: {exc}")
            return None

    for i, metric in enumerate(metrics):
        at = ["metrics", i]
        if slugs[metric["slug"]] > 1:
            errors.add([*at, "slug"], f"The slug {metric['slug']!r} appears more than once.")
        if metric["system"] and metric["system"] not in system:
            errors.add([*at, "system"], f"{metric['system']!r} is not a system metric this "
                                        "installation computes.")
        elif metric["slug"] in system and metric["system"] != metric["slug"]:
            errors.add([*at, "slug"], f"{metric['slug']!r} is a system metric's slug.")
        if metric["definition"] is None and not metric["system"]:
            errors.add([*at, "definition"], "A metric stands on a definition.")
        elif metric["definition"] is not None and metric["definition"] not in terms:
            errors.add([*at, "definition"], f"{metric['definition']!r} is not one of the "
                                            "definitions in this file.")
        if metric["owner"] is not None:
            function(metric["owner"], [*at, "owner"])
        if metric["formula"] and metric["system"]:
            errors.add([*at, "formula"], "A system metric is computed by the app: it has no "
                                         "formula.")
        elif metric["formula"]:
            try:
                names = insights_rules.check_formula(metric["formula"], set(parts))
            except insights_rules.FormulaError as exc:
                errors.add([*at, "formula"], str(exc))
            else:
                other = [parts[n]["slug"] for n in names
                         if parts[n]["period"] != metric["period"]]
                if other:
                    errors.add([*at, "formula"], f"{', '.join(other)} is not measured "
                                                 f"{metric['period']}: a composite's parts "
                                                 "share its period.")
        _moment(metric["created_at"], [*at, "created_at"], errors)
        starts = Counter()
        for k, target in enumerate(metric["targets"]):
            tat = [*at, "targets", k, "period"]
            first = period(metric, target["period"], tat) if target["period"] else None
            starts[first.start if first else None] += 1
            if starts[first.start if first else None] > 1:
                errors.add(tat, "The metric has a target from this period already.")
        if len(errors) >= MAX_ERRORS:
            return
    seen = set()
    for i, value in enumerate(doc.get("metric_values", [])):
        at = ["metric_values", i]
        metric = metric_named(value["metric"], [*at, "metric"])
        if metric is None:
            continue
        if metric["formula"]:
            errors.add([*at, "metric"], f"{value['metric']!r} is computed from its formula: "
                                        "it holds no values.")
        key = period(metric, value["period"], [*at, "period"])
        if key is not None and (value["metric"], key.key) in seen:
            errors.add([*at, "period"], f"{key.key} of {value['metric']!r} has a value "
                                        "already in this file.")
        elif key is not None:
            seen.add((value["metric"], key.key))
        for k, sent in enumerate([value, *value["history"]]):
            sat = at if sent is value else [*at, "history", k - 1]
            person(sent["sent_by"], [*sat, "sent_by"])
            for name in ("sent_at", "replaced_at"):
                _moment(sent.get(name), [*sat, name], errors)
        if len(errors) >= MAX_ERRORS:
            return
    runs, open_items = set(), set()
    for i, item in enumerate(doc.get("off_track_items", [])):
        at = ["off_track_items", i]
        metric = metric_named(item["metric"], [*at, "metric"])
        if metric is None:
            continue
        since = period(metric, item["since"], [*at, "since"])
        period(metric, item["latest"], [*at, "latest"])
        if since is not None and (item["metric"], since.key) in runs:
            errors.add([*at, "since"], f"The run of {item['metric']!r} since {since.key} is "
                                       "raised twice.")
        elif since is not None:
            runs.add((item["metric"], since.key))
        if item["cleared_at"] is None and item["metric"] in open_items:
            errors.add([*at, "cleared_at"], f"{item['metric']!r} has an open off-track item "
                                            "already.")
        elif item["cleared_at"] is None:
            open_items.add(item["metric"])
        person(item["noted_by"], [*at, "noted_by"])
        for name in ("raised_at", "cleared_at"):
            _moment(item[name], [*at, name], errors)
def _check_item(doc, kind, place, parts, section_ref, terms, errors):
    """``place`` names an item of ``kind`` in this file: a section by run book and kind,
    a definition by its term, a RACI row by its matrix's and its own index, a ritual by
    its index (how a decision links an item and change control names the one it
    governs)."""
    if kind == "section":
        section_ref(place, parts)
    elif kind == "definition" and place not in terms:
        errors.add(parts, f"{place!r} is not one of the definitions in this file.")
    elif kind == "row":
        matrix, row = place["matrix"], place["row"]
        if matrix >= len(doc["raci"]) or row >= len(doc["raci"][matrix]["rows"]):
            errors.add(parts, f"There is no row {row} in matrix {matrix} (counting from 0).")
    elif kind == "ritual" and place >= len(doc["rituals"]):
        errors.add(parts, f"There is no ritual {place} (counting from 0).")


def _check_change_control(doc, person, function, section_ref, errors):
    """Each proposal and acknowledgement names a governed item of this file (a proposal's
    may be gone: null), people and functions of it; a proposal carries the fields of its
    item's kind and reverts another proposal of the file; a person acknowledges a version
    of an item once."""
    terms = {d["term"] for d in doc.get("definitions", [])}
    proposals = doc.get("proposals", [])
    for i, proposal in enumerate(proposals):
        at = ["proposals", i]
        [(kind, place)] = proposal["item"].items()
        if place is not None:
            _check_item(doc, kind, place, [*at, "item", kind], section_ref, terms, errors)
        wanted = set(items.KINDS[kind].fields)
        for name in ("base", "fields"):
            if set(proposal[name]) != wanted:
                errors.add([*at, name], f"A {kind} proposal carries {', '.join(sorted(wanted))}.")
        for name in ("proposer", "decided_by"):
            person(proposal[name], [*at, name])
        _day(proposal["effective_on"], [*at, "effective_on"], errors)
        for name in ("opened_at", "decided_at", "applied_at"):
            _moment(proposal[name], [*at, name], errors)
        reverts = proposal["reverts"]
        if reverts is not None and (reverts >= len(proposals) or reverts == i):
            errors.add([*at, "reverts"], f"There is no other proposal {reverts} "
                                         "(counting from 0).")
        for k, comment in enumerate(proposal["comments"]):
            cat = [*at, "comments", k]
            person(comment["author"], [*cat, "author"])
            if comment["function"] is not None:
                function(comment["function"], [*cat, "function"])
            _moment(comment["at"], [*cat, "at"], errors)
        if len(errors) >= MAX_ERRORS:
            return
    seen = Counter()
    for i, acknowledgement in enumerate(doc.get("acknowledgements", [])):
        at = ["acknowledgements", i]
        [(kind, place)] = acknowledgement["item"].items()
        if place is None:
            errors.add([*at, "item", kind], "An acknowledgement names an item of this file.")
        else:
            _check_item(doc, kind, place, [*at, "item", kind], section_ref, terms, errors)
        person(acknowledgement["person"], [*at, "person"])
        _moment(acknowledgement["at"], [*at, "at"], errors)
        key = (json.dumps(acknowledgement["item"], sort_keys=True), acknowledgement["version"],
               acknowledgement["person"])
        seen[key] += 1
        if seen[key] > 1:
            errors.add([*at, "version"], f"{acknowledgement['person']} acknowledged version "
                                         f"{acknowledgement['version']} of this item twice.")
        if len(errors) >= MAX_ERRORS:
            return


def _check_assessments(doc, person, occurrence_ref, errors):
    """Each maturity assessment names a fiscal quarter, once; its scores and notes pass
    the model's own validation; the refresh it names is an occurrence in this file."""
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
        if assessment["occurrence"] is not None:
            occurrence_ref(assessment["occurrence"], [*at, "occurrence"])
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
