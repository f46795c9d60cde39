"""Writing a checked model file: one transaction bulk-writes the history as it was
(times, authors, doors), and one audit entry records the import."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from cadence import search as cadence_search
from cadence.models import ActionItem, Attendance, Decision, Occurrence, Ritual
from changes.models import Acknowledgement, Comment, Proposal
from insights import rules as insights_rules
from insights.models import Metric, MetricValue, OffTrack, ReplacedValue, Target
from insights.services.metrics import FROM_THE_START
from overview import bootstrap
from overview.model_file.check import check_document
from overview.model_file.document import ASSESSMENT_VALUES, BATCH, json_path
from overview.models import MaturityAssessment
from raci import rules as raci_rules
from raci import search as raci_search
from raci.models import Cell, Matrix, Row, SignOff
from revops import audit, fiscal, policy, rendering, seats
from revops.models import Function
from revops.people import lock_active
from runbook import search
from runbook.choices import SectionKind
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


class _Model:
    """What the one audit entry of an import is about: the model as a whole."""

    pk = "model"

    def __str__(self):
        return "Operating model"


def _t(value):
    return datetime.fromisoformat(value) if value is not None else None


def _d(value):
    return date.fromisoformat(value) if value is not None else None


@lru_cache(maxsize=4096)
def _render(text):
    return rendering.render(text)


def _holders(doc):
    """``(path, username)`` of everyone the file gives something to hold: a seat, a
    deputyship, a ritual."""
    return [
        *((json_path(["functions", i, name]), f[name]) for i, f in enumerate(doc["functions"])
          for name in ("head", "deputy") if f.get(name)),
        *((json_path(["rituals", i, "owner_person"]), r["owner_person"])
          for i, r in enumerate(doc["rituals"]) if r.get("owner_person")),
    ]


def _people(doc):
    """Username → user. Missing people are created without a usable password: active
    when the file gives them something to hold (nothing is held by someone who cannot
    sign in; they have no way in until a lead invites them, as a bootstrap's invited
    heads), inactive otherwise (authors of the history; a lead activates the ones who
    still work here). The holders must be active, checked under their row locks: an
    existing deactivated one is a ValidationError at the path naming them. Returns the
    people and the ids of those created."""
    User = get_user_model()
    wanted = {p["username"]: p for p in doc["people"]}
    holders = _holders(doc)
    holding = {username for _, username in holders}
    found = {u.get_username(): u for u in User.objects.filter(username__in=wanted)}
    new = []
    for username, p in wanted.items():
        if username not in found:
            user = User(username=username, first_name=p["first_name"], last_name=p["last_name"],
                        email=p["email"], is_active=username in holding)
            user.set_unusable_password()
            new.append(user)
    for user in User.objects.bulk_create(new):
        found[user.get_username()] = user
    lock_active([(path, found[username]) for path, username in holders])
    return found, {user.pk for user in new}


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
        archived_at=_t(b.get("archived_at")), governed=b.get("governed", False))
        for b in doc["runbooks"]])
    section_docs = [(book, s) for book, b in zip(books, doc["runbooks"], strict=True)
                    for s in b["sections"]]
    sections = Section.objects.bulk_create([Section(
        runbook=book, kind=s["kind"], position=SectionKind.position_of(s["kind"]),
        title=s["title"], owner=functions[s["owner"]], revision=s["revision"],
        last_reviewed_at=_t(s["last_reviewed_at"]), last_reviewed_on=_d(s["last_reviewed_on"]),
        last_reviewed_by=user(s["last_reviewed_by"]),
        last_reviewed_revision=s["last_reviewed_revision"], governed=s.get("governed", False))
        for book, s in section_docs])
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
    return {(book.title, s["kind"]): section
            for section, (book, s) in zip(sections, section_docs, strict=True)}


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
    Returns ``({term: definition written}, definitions archived)``."""
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
        last_reviewed_revision=d["last_reviewed_revision"],
        # A file from before governed flags travelled: a definition's default, governed.
        governed=d.get("governed", True)) for d in items])
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
    return {d["term"]: definition for definition, d in zip(definitions, items, strict=True)}, \
        archived


def _raci(doc, people, functions):
    """The file's matrices, rows, cells and sign-offs. Returns ``{(matrix index, row
    index): row}``, the places a decision names a row by."""
    if any(m["is_current"] for m in doc["raci"]):
        Matrix.objects.filter(is_current=True).update(is_current=False)
    matrices = Matrix.objects.bulk_create([Matrix(
        title=m["title"], version=m["version"], is_current=m["is_current"],
        created_at=_t(m["created_at"]), updated_at=_t(m["updated_at"]),
        archived_at=_t(m.get("archived_at")), governed=m.get("governed", False))
        for m in doc["raci"]])
    row_docs = [(matrix, r) for matrix, m in zip(matrices, doc["raci"], strict=True)
                for r in m["rows"]]
    places = [(i, j) for i, m in enumerate(doc["raci"]) for j in range(len(m["rows"]))]
    # Checked already: each row has its one Accountable.
    letters = [raci_rules.exactly_one_accountable(r["name"], r["cells"], {})
               for _, r in row_docs]
    rows = Row.objects.bulk_create([
        Row(matrix=matrix, layer=r["layer"], name=r["name"].strip(),
            description=r["description"], position=r["position"],
            accountable=functions[split.accountable],
            accountable_also_responsible=split.also_responsible)
        for (matrix, r), split in zip(row_docs, letters, strict=True)], batch_size=BATCH)
    raci_search.refresh_rows([row.pk for row in rows])
    Cell.objects.bulk_create([
        Cell(row=row, function=functions[slug], letter=letter, accountable_id=row.accountable_id)
        for row, split in zip(rows, letters, strict=True)
        for slug, letter in sorted(split.cells.items(), key=lambda c: functions[c[0]].position)],
        batch_size=BATCH)
    SignOff.objects.bulk_create([SignOff(
        matrix=matrix, function=functions[s["function"]], version=s["version"],
        signed_by=people[s["signed_by"]] if s["signed_by"] else None,
        signed_by_name=s["signed_by_name"], signed_at=_t(s["signed_at"]), snapshot=s["snapshot"])
        for matrix, m in zip(matrices, doc["raci"], strict=True) for s in m["signoffs"]],
        batch_size=BATCH)
    return dict(zip(places, rows, strict=True))


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
        archived_at=_t(r.get("archived_at")), governed=r.get("governed", False))
        for r in doc["rituals"]])
    cadence_search.refresh_rituals([ritual.pk for ritual in rituals])
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
        reminded_at=_t(o["reminded_at"]), rating=o.get("rating"),
        recapped_at=_t(o.get("recapped_at"))) for ritual, o in occurrence_docs],
        batch_size=BATCH)
    Attendance.objects.bulk_create([
        Attendance(occurrence=occurrence, function=functions[slug])
        for occurrence, (_, o) in zip(occurrences, occurrence_docs, strict=True)
        for slug in o.get("present", [])], batch_size=BATCH)
    Reviewed = Occurrence.reviewed_sections.through
    Reviewed.objects.bulk_create([
        Reviewed(occurrence_id=occurrence.pk, section_id=ref(value).pk)
        for occurrence, (_, o) in zip(occurrences, occurrence_docs, strict=True)
        for value in o["reviewed_sections"]], batch_size=BATCH)
    by_time = {(index[id(ritual)], occurrence.scheduled_for): occurrence
               for occurrence, (ritual, _) in zip(occurrences, occurrence_docs, strict=True)}
    return rituals, by_time


def _occurrence(occurrences, ref):
    """The occurrence ``ref`` (``{ritual: index, scheduled_for}``) names, in the
    ``occurrences`` ``_cadence`` wrote."""
    return occurrences[(ref["ritual"], _t(ref["scheduled_for"]))]


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

    MaturityAssessment.objects.bulk_create([MaturityAssessment(
        quarter_start=start, **{name: a[name] for name in ASSESSMENT_VALUES},
        occurrence=_occurrence(occurrences, a["occurrence"]) if a["occurrence"] else None,
        recorded_by=people[a["recorded_by"]] if a["recorded_by"] else None,
        recorded_at=_t(a["recorded_at"]), updated_at=_t(a["updated_at"]))
        for start, a in zip(starts, items, strict=True)])
    return len(items), replaced


def _item(kind, place, sections, definitions, rows, rituals):
    """The item of ``kind`` the file names by ``place`` (a decision's link, the item a
    proposal governs), among those the import wrote: a section by run book and kind, a
    definition by its term, a RACI row by its place, a ritual by its index."""
    if kind == "section":
        return sections[(place["runbook"], place["kind"])]
    if kind == "definition":
        return definitions[place]
    if kind == "row":
        return rows[(place["matrix"], place["row"])]
    return rituals[place]


def _outcomes(doc, people, functions, sections, definitions, rows, rituals, occurrences):
    """The decisions and action items of the file, each on the occurrence it names (and
    that occurrence's ritual), a decision with the item it links. Returns how many of
    each were written."""
    def held_at(ref):
        occurrence = _occurrence(occurrences, ref)
        return {"occurrence": occurrence, "ritual": occurrence.ritual}

    def linked(link):
        link = link or {}
        return {field: _item(kind, link[kind], sections, definitions, rows, rituals)
                if kind in link else None for kind, field in (
                    ("section", "section"), ("definition", "definition"), ("row", "raci_row"),
                    ("ritual", "linked_ritual"))}

    decisions = Decision.objects.bulk_create([Decision(
        **held_at(d["occurrence"]), text=d["text"], owner=functions[d["owner"]],
        revisit_on=_d(d["revisit_on"]), revisit_raised_at=_t(d["revisit_raised_at"]),
        created_at=_t(d["created_at"]),
        **linked(d["link"])) for d in doc.get("decisions", [])], batch_size=BATCH)
    actions = ActionItem.objects.bulk_create([ActionItem(
        **held_at(a["occurrence"]), text=a["text"], owner=people[a["owner"]],
        due=_d(a["due"]), state=a["state"], created_at=_t(a["created_at"]),
        closed_at=_t(a["closed_at"]),
        closed_by=people[a["closed_by"]] if a["closed_by"] else None,
        drop_reason=a["drop_reason"]) for a in doc.get("action_items", [])], batch_size=BATCH)
    return len(decisions), len(actions)


def _metrics_here(doc, *, replace):
    """The installation's metrics, settled before the file's definitions are written. A
    metric the file also has (by slug) is refused, unless the model is being replaced or
    it is a system metric: then the file's takes its place, as an assessed quarter's does
    (one metric per slug, so the installation's goes with its values and items; the
    audit entries that recorded them stay). A metric the file does not have, standing on
    a definition the file defines too, is to stand on the file's once it is written: with
    ``replace`` the installation's is renamed archived, and no metric stands on an
    archived definition.
    Returns ``(metrics replaced, {metric id: the definition's slug})``."""
    slugs = [m["slug"] for m in doc.get("metrics", [])]
    here = Metric.objects.filter(slug__in=slugs)
    if not replace:
        # A system metric is the app's own, made by its daily job on every installation,
        # a fresh one too: the file's, with the model's history of it, takes its place.
        taken = set(here.filter(system="").values_list("slug", flat=True))
        clash = [i for i, slug in enumerate(slugs) if slug in taken]
        if clash:
            raise ValidationError({json_path(["metrics", clash[0], "slug"]): [
                f"A metric {slugs[clash[0]]!r} already exists on this installation; import "
                "with replace to take the file's instead."]})
    replaced = here.delete()[1].get(Metric._meta.label, 0)
    redefined = {slugify(d["term"]) for d in doc.get("definitions", [])}
    return replaced, dict(Metric.objects.filter(definition__slug__in=redefined)
                          .values_list("pk", "definition__slug"))


def _metrics(doc, people, functions, definitions, moving):
    """The file's metrics with their targets, values (each with the values it replaced)
    and off-track items, written as they were: nothing is recorded, raised or announced
    anew (no event, no off-track scan: the history is history). Then each metric of
    ``moving`` stands on the file's definition of its slug. Returns the counts."""
    def user(name):
        return people[name] if name else None

    start_month = fiscal.start_month()

    def period(metric, key):
        return insights_rules.parse_period(metric.period, key, start_month=start_month)

    def sent(v):
        return {"value": Decimal(v["value"]), "door": v["door"], "sent_by": user(v["sent_by"]),
                "sent_by_name": v["sent_by_name"], "source": v["source"],
                "sent_at": _t(v["sent_at"])}

    items = doc.get("metrics", [])
    metrics = Metric.objects.bulk_create([Metric(
        slug=m["slug"], name=m["name"],
        definition=definitions[m["definition"]] if m["definition"] else None,
        layer=m["layer"], unit=m["unit"], direction=m["direction"], period=m["period"],
        owner=functions[m["owner"]] if m["owner"] else None, formula=m["formula"],
        system=m["system"], position=m["position"], created_at=_t(m["created_at"]))
        for m in items], batch_size=BATCH)
    by_slug = {metric.slug: metric for metric in metrics}
    targets = []
    for metric, m in zip(metrics, items, strict=True):
        for t in m["targets"]:
            first = period(metric, t["period"]) if t["period"] else None
            targets.append(Target(
                metric=metric, period=first.key if first else "",
                starts=first.start if first else FROM_THE_START,
                target=Decimal(t["target"]), warning=Decimal(t["warning"])))
    Target.objects.bulk_create(targets, batch_size=BATCH)
    value_docs = doc.get("metric_values", [])
    values = []
    for v in value_docs:
        metric = by_slug[v["metric"]]
        key = period(metric, v["period"])
        values.append(MetricValue(metric=metric, period=key.key, starts=key.start, **sent(v)))
    MetricValue.objects.bulk_create(values, batch_size=BATCH)
    ReplacedValue.objects.bulk_create([
        ReplacedValue(current=value, replaced_at=_t(h["replaced_at"]), **sent(h))
        for value, v in zip(values, value_docs, strict=True) for h in v["history"]],
        batch_size=BATCH)
    items_off = doc.get("off_track_items", [])
    OffTrack.objects.bulk_create([OffTrack(
        metric=by_slug[o["metric"]], since=period(by_slug[o["metric"]], o["since"]).key,
        latest=period(by_slug[o["metric"]], o["latest"]).key, raised_at=_t(o["raised_at"]),
        cleared_at=_t(o["cleared_at"]), reason=o["reason"], noted_by=user(o["noted_by"]))
        for o in items_off], batch_size=BATCH)
    standing_on = {d.slug: d for d in definitions.values()}
    Metric.objects.bulk_update([Metric(pk=pk, definition=standing_on[slug])
                                for pk, slug in moving.items()], ["definition"],
                               batch_size=BATCH)
    counts = {"metrics": len(metrics), "metric_values": len(values),
              "off_track_items": len(items_off)}
    if moving:
        counts["repointed"] = {"metrics": len(moving)}
    return counts


# What a proposal about an item deleted before the export names on import: no row has id
# 0, so, as on the installation it came from, its item "no longer exists".
NO_ITEM = 0


def _retire_change_control(doc):
    """Before a replacing import: the proposals (with their comments) and acknowledgements
    about the model set aside — sections of archived run books, rows of archived
    matrices, archived rituals, definitions the file defines anew (renamed archived) —
    are deleted, so none waits for a decision, applies or counts against an item no one
    edits any more; the audit entries that recorded them stay. Returns how many of each."""
    terms = {slugify(d["term"]) for d in doc.get("definitions", [])}
    retired = (
        Q(kind="section", item_id__in=Section.objects.filter(
            runbook__archived_at__isnull=False).values("pk"))
        | Q(kind="row", item_id__in=Row.objects.filter(
            matrix__archived_at__isnull=False).values("pk"))
        | Q(kind="ritual", item_id__in=Ritual.objects.filter(
            archived_at__isnull=False).values("pk"))
        | Q(kind="definition", item_id__in=Definition.objects.filter(
            slug__in=terms).values("pk")))
    counts = {}
    for name, model in (("proposals", Proposal), ("acknowledgements", Acknowledgement)):
        deleted = model.objects.filter(retired).delete()[1].get(model._meta.label, 0)
        if deleted:
            counts[name] = deleted
    return counts


def _change_control(doc, people, functions, sections, definitions, rows, rituals):
    """The file's proposals with their comments, and its acknowledgements, each on the
    item it names among those just written. Written as they were — nothing is announced,
    mailed or applied: an approved proposal waiting for its effective day applies on that
    day, as it would have where it came from. Returns how many of each were written."""
    def item(ref):
        [(kind, place)] = ref.items()
        return {"kind": kind, "item_id": NO_ITEM if place is None else _item(
            kind, place, sections, definitions, rows, rituals).pk}

    def user(name):
        return people[name] if name else None

    items = doc.get("proposals", [])
    proposals = Proposal.objects.bulk_create([Proposal(
        **item(p["item"]), item_label=p["item_label"], layer=p["layer"],
        base_version=p["base_version"], base=p["base"], fields=p["fields"], reason=p["reason"],
        effective_on=_d(p["effective_on"]), state=p["state"], proposer=user(p["proposer"]),
        opened_at=_t(p["opened_at"]), door=p["door"], decided_by=user(p["decided_by"]),
        decided_at=_t(p["decided_at"]), decision_note=p["decision_note"],
        applied_at=_t(p["applied_at"]), applied_version=p["applied_version"],
        meaningful=p["meaningful"], decision=p["decision"]) for p in items], batch_size=BATCH)
    reverting = [(proposal, p["reverts"]) for proposal, p in zip(proposals, items, strict=True)
                 if p["reverts"] is not None]
    for proposal, reverts in reverting:
        proposal.reverts = proposals[reverts]
    Proposal.objects.bulk_update([proposal for proposal, _ in reverting], ["reverts"],
                                 batch_size=BATCH)
    Comment.objects.bulk_create([Comment(
        proposal=proposal, author=user(c["author"]),
        function=functions[c["function"]] if c["function"] else None, body=c["body"],
        objection=c["objection"], at=_t(c["at"]), door=c["door"])
        for proposal, p in zip(proposals, items, strict=True) for c in p["comments"]],
        batch_size=BATCH)
    acknowledgements = Acknowledgement.objects.bulk_create([Acknowledgement(
        **item(a["item"]), version=a["version"], person=people[a["person"]],
        at=_t(a["at"]), door=a["door"]) for a in doc.get("acknowledgements", [])],
        batch_size=BATCH)
    return len(proposals), len(acknowledgements)


@transaction.atomic
def import_model(*, document, actor, door, replace=False):
    """Write ``document`` (already parsed) as this installation's model, all or nothing.

    A ValidationError keyed by JSON path when the document is wrong; ``ModelExists``
    (409) when a model is here and ``replace`` is not given; with ``replace`` the live
    model is archived first. Returns counts of what was written."""
    policy.require_administer(actor)
    check_document(document)
    bootstrap.hold_model()
    had_a_lead = seats.active_leads().exists()
    existing = bootstrap.existing_model()
    if existing and not replace:
        raise bootstrap.ModelExists(existing)
    # People first, then the rows they receive (the live model's rituals are archived,
    # locked, below): the order a ritual's owner change takes too.
    people, created = _people(document)
    archived = bootstrap.archive_model(actor=actor, door=door) if existing else {}
    retired = _retire_change_control(document) if replace else {}
    functions = _functions(document, people)
    sections = _runbooks(document, people, functions)
    rows = _raci(document, people, functions)
    rituals, occurrences = _cadence(document, people, functions, sections)
    assessments, assessments_replaced = _maturity(document, people, occurrences,
                                                  replace=replace)
    metrics_replaced, moving = _metrics_here(document, replace=replace)
    definitions, definitions_archived = _definitions(document, people, functions, sections,
                                                     replace=replace)
    decisions, action_items = _outcomes(document, people, functions, sections, definitions,
                                        rows, rituals, occurrences)
    scorecard = _metrics(document, people, functions, definitions, moving)
    proposals, acknowledgements = _change_control(document, people, functions, sections,
                                                  definitions, rows, rituals)
    if definitions_archived:
        archived = {**archived, "definitions": definitions_archived}
    counts = {
        "people": len(document["people"]), "functions": len(document["functions"]),
        "runbooks": len(document["runbooks"]),
        "revisions": sum(len(s["revisions"]) for b in document["runbooks"]
                         for s in b["sections"]),
        "matrices": len(document["raci"]), "rituals": len(rituals),
        "occurrences": len(occurrences), "definitions": len(definitions),
        "maturity_assessments": assessments, "decisions": decisions,
        "action_items": action_items, "archived": archived,
    }
    if assessments_replaced:
        counts["replaced"] = {"maturity_assessments": assessments_replaced}
    counts.update(scorecard)
    if metrics_replaced:
        counts.setdefault("replaced", {})["metrics"] = metrics_replaced
    counts.update(proposals=proposals, acknowledgements=acknowledgements)
    if retired:
        counts["replaced"] = {**counts.get("replaced", {}), **retired}
    if had_a_lead:
        # The file's seats replace ours: the RevOps seat may go to someone who cannot sign
        # in (deactivated, or made by this import and not invited yet). The install keeps
        # someone who can run it, or nothing is imported.
        seats.require_a_lead_remains()
        if not seats.active_leads().exclude(pk__in=created).exists():
            raise seats.NoLeadLeft()
    audit.record(actor=actor, door=door, action="import", obj=_Model(), object_type="model",
                 changes=counts)
    return counts
