"""The daily stale scan: stale flags raised and closed on sections and definitions,
the day's freshness snapshot, and the e-mails to the owners' heads."""

import heapq
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import (
    Case,
    CharField,
    DateField,
    DateTimeField,
    Exists,
    Max,
    OuterRef,
    Q,
    Value,
    When,
)
from django.template.loader import render_to_string
from django.utils import timezone

from revops import audit, events, jsonrows, notify, policy
from revops.models import Function
from revops.words import counted
from runbook import rules, selectors
from runbook.models import (
    Definition,
    DefinitionStaleFlag,
    FreshnessSnapshot,
    ReviewState,
    Section,
    StaleFlag,
)
from runbook.services import links, payloads


@dataclass(frozen=True)
class NewFlag:
    """A stale flag the scan just raised, with what its e-mail and webhook need about
    the section: plain values read in one query, no model instances."""

    pk: int
    section_id: int
    state: str
    last_reviewed_on: object
    kind: str
    title: str
    runbook_id: int
    runbook_title: str
    owner_id: int
    owner_slug: str
    owner_name: str
    revision: int

    @property
    def section_label(self):
        """What ``str(section)`` says: "run book · section"."""
        return f"{self.runbook_title} · {self.title}"


@dataclass
class FlagResult:
    newly_flagged: list = field(default_factory=list)
    already_flagged: int = 0
    definitions_flagged: list = field(default_factory=list)
    closed: int = 0  # open flags (of sections and definitions) the rule no longer backs

    def __str__(self):
        said = f"newly flagged: {len(self.newly_flagged)}, already flagged: {self.already_flagged}"
        if self.definitions_flagged:
            said += f", definitions newly flagged: {len(self.definitions_flagged)}"
        if self.closed:
            said += f", closed as no longer stale: {self.closed}"
        return said


_NEW_FLAG_COLUMNS = ("pk", "section_id", "state", "last_reviewed_on", "section__kind",
                     "section__title", "section__runbook_id", "section__runbook__title",
                     "section__owner_id", "section__owner__slug", "section__owner__name",
                     "section__revision")


@transaction.atomic
def flag_stale_sections(*, door, today=None, actor=None, threshold=None, start_month=None,
                        at=None):
    """Open a stale flag on every stale or never-reviewed section that has none open.

    In SQL, without a row per section travelling to Python and back: one ``INSERT …
    SELECT`` raises the flags from the sections (``NOT EXISTS`` an open flag, the sections
    locked as they are read, so that a review running at the same time either lands
    first and the section is no longer stale, or waits for the scan), one read brings
    back what the e-mails and webhooks say of them, and one audit entry records them all
    (``_audit_raised``); those already flagged are the day's count of stale sections
    less the new flags. Two scans at once cannot flag a section twice: the partial
    unique index refuses it and the insert skips the conflict (``ON CONFLICT DO
    NOTHING``). Each
    new flag fires ``section.stale`` (payloads are built only when a webhook is
    subscribed), and each recipient — the owner's head, or RevOps' head — gets one
    digest of their newly stale sections (counts per run book, the most urgent). ``at``
    back-dates the flags (the demo). The day's freshness snapshot is recorded first (the
    counts do not depend on the flags).
    """
    policy.require_administer(actor)
    today = today or timezone.localdate()
    now = at or timezone.now()
    counts = freshness_snapshot_record(today=today, threshold=threshold,
                                       start_month=start_month)
    stale_count = counts["stale"] + counts["never"]
    cutoff = rules.stale_cutoff(today, threshold=threshold, start_month=start_month)
    result = FlagResult(
        closed=sum(_close_unbacked_flags(flags, cutoff=cutoff, today=today, now=now,
                                         actor=actor, door=door)
                   for flags in (StaleFlag, DefinitionStaleFlag)),
        definitions_flagged=_flag_stale_definitions(cutoff=cutoff, today=today, now=now,
                                                    actor=actor, door=door),
    )
    stale = _stale(Section, cutoff).live()
    open_flag = StaleFlag.objects.filter(section=OuterRef("pk"), closed_at__isnull=True)
    before = StaleFlag.objects.aggregate(last=Max("pk"))["last"] or 0
    to_flag = (stale.filter(~Exists(open_flag)).select_for_update(of=("self",)).order_by("pk")
               .values_list(Value(now, output_field=DateTimeField()),
                            Value(today, output_field=DateField()), "pk",
                            Case(When(last_reviewed_on__isnull=True,
                                      then=Value(ReviewState.NEVER.value)),
                                 default=Value(ReviewState.STALE.value),
                                 output_field=CharField()),
                            "last_reviewed_on"))
    count = _insert_select(StaleFlag, ["raised_at", "raised_on", "section_id", "state",
                                       "last_reviewed_on"], to_flag,
                           on_conflict_do_nothing=True)
    if not count:
        result.already_flagged = stale_count
        return result
    raised = StaleFlag.objects.filter(pk__gt=before, raised_at=now, closed_at__isnull=True)
    flags = [NewFlag(*row) for row in raised.order_by("section_id")
             .values_list(*_NEW_FLAG_COLUMNS)]
    result.newly_flagged = flags
    # Those flagged before, or by another scan at the same time: every stale section
    # the day's counts found has an open flag now.
    result.already_flagged = max(stale_count - len(flags), 0)
    if not flags:
        return result
    _audit_raised(StaleFlag, [(f.pk, f.state) for f in flags], noun="section",
                  actor=actor, door=door, now=now, today=today)
    events.emit_many("section.stale", (
        {
            **payloads.section_values(id=f.section_id, runbook=f.runbook_id, kind=f.kind,
                                      title=f.title, owner=f.owner_slug, revision=f.revision),
            "flag": f.pk, "state": f.state, "stale_since": now,
            "last_reviewed_on": f.last_reviewed_on,
        }
        for f in flags
    ))
    _email_flags(flags)
    return result


def _insert_select(model, columns, rows, *, on_conflict_do_nothing=False):
    """``INSERT INTO`` ``model``'s table, ``columns`` (column names), the rows of the
    queryset ``rows`` (a ``values_list`` in the same order), in one statement: the rows
    never leave the database. Returns how many were inserted."""
    sql, params = rows.query.sql_with_params()
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    conflict = " ON CONFLICT DO NOTHING" if on_conflict_do_nothing else ""
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} "
                       f"({names}) {sql}{conflict}", params)
        return cursor.rowcount


def freshness_snapshot_record(*, today, threshold=None, start_month=None):
    """Record (or, on a second run that day, refresh) ``today``'s count of fresh, due,
    stale and never-reviewed sections: two queries whatever the number of sections, the
    write one upsert on the unique day, so two scans at once leave one row.

    A measurement, not a change anyone made: no audit entry and no event."""
    counts = selectors.freshness_counts(today=today, threshold=threshold,
                                        start_month=start_month)
    FreshnessSnapshot.objects.bulk_create(
        [FreshnessSnapshot(day=today, recorded_at=timezone.now(), **counts)],
        update_conflicts=True, unique_fields=["day"],
        update_fields=[*counts, "recorded_at"],
    )
    return counts


def _stale(documents_model, cutoff):
    """The documents the rule calls stale or never reviewed (``rules.stale_cutoff``)."""
    return documents_model.objects.filter(
        Q(last_reviewed_on__isnull=True) | Q(last_reviewed_on__lt=cutoff))


def _close_unbacked_flags(flags, *, cutoff, today, now, actor, door):
    """Close every open flag (``flags``: a flag model) on a document the rule no longer
    calls stale on ``today`` — raised by a scan run for a later day, or before the
    threshold changed — with an audit entry each. A review closes a flag in the same
    transaction, so only such flags are left. Returns how many were closed."""
    key = flags.document_key
    unbacked = {
        row[0]: row for row in flags.objects.filter(
            closed_at__isnull=True, **{f"{key}__last_reviewed_on__gte": cutoff})
        .select_for_update(of=("self",)).order_by("pk")
        .values_list("pk", f"{key}_id", f"{key}__last_reviewed_on", "raised_on")
    }
    if not unbacked:
        return 0
    flags.objects.filter(pk__in=unbacked, closed_at__isnull=True).update(closed_at=now)
    audit.record_rows(
        actor=actor, door=door, action="close_stale_flag", at=now,
        object_type=flags._meta.label_lower,
        rows=[(pk, f"{flags._meta.verbose_name} {pk} raised {raised_on:%Y-%m-%d} (closed)",
               {key: document_id, "last_reviewed_on": reviewed_on,
                "reason": f"not stale on {today:%Y-%m-%d}"})
              for pk, document_id, reviewed_on, raised_on in unbacked.values()],
    )
    return len(unbacked)


def _flag_stale_definitions(*, cutoff, today, now, actor, door):
    """Open a flag on every stale or never-reviewed definition that has none open, as
    for sections: the same insert, an audit entry and a ``definition.stale`` event each,
    and one e-mail per owner's head. Returns the flags raised as ``(flag id, definition
    id, state)``."""
    open_flag = DefinitionStaleFlag.objects.filter(definition=OuterRef("pk"),
                                                   closed_at__isnull=True)
    candidates = {
        row[0]: row for row in _stale(Definition, cutoff).filter(~Exists(open_flag))
        .select_for_update(of=("self",)).order_by("pk")
        .values_list("pk", "last_reviewed_on", "term", "slug", "layer", "owner_id",
                     "owner__slug", "revision")
    }
    if not candidates:
        return []
    raised = _insert_flags(DefinitionStaleFlag, candidates.values(), now=now, today=today)
    if not raised:
        return []
    _audit_raised(DefinitionStaleFlag, [(pk, state) for pk, _, state in raised],
                  noun="definition", actor=actor, door=door, now=now, today=today)
    events.emit_many("definition.stale", (
        {"id": d, "term": candidates[d][2], "slug": candidates[d][3], "layer": candidates[d][4],
         "owner": candidates[d][6], "revision": candidates[d][7], "flag": pk, "state": state,
         "stale_since": now, "last_reviewed_on": candidates[d][1]}
        for pk, d, state in raised
    ))
    owners = Function.objects.select_related("head", "deputy").filter(
        pk__in={candidates[d][5] for _, d, _ in raised})
    recipients = notify.recipients_for_many(owners)
    by_recipient = defaultdict(list)
    for _, d, _ in raised:
        if to := recipients[candidates[d][5]]:
            by_recipient[tuple(to)].append(candidates[d])
    for to, listed in by_recipient.items():
        notify.send(
            list(to), f"{counted(len(listed), 'definition')} went stale",
            render_to_string("runbook/email/definitions_stale.txt", {
                "definitions": [(row[2], links.definition_url(row[3])) for row in listed]}),
        )
    return raised


def _audit_raised(flags, raised, *, noun, actor, door, now, today):
    """One audit entry for the flags (``flags``: a flag model) one scan raised — ``raised``
    is ``(flag id, state)`` of each — rather than one per flag: a first scan of a large
    model raises tens of thousands, and the trail is read by people. The entry is dated
    with the flags' ``raised_at``, which is how its flags are found; its object id is
    the range of their ids, its changes count them by state."""
    ids = [pk for pk, _ in raised]
    never = sum(state == ReviewState.NEVER for _, state in raised)
    audit.record_rows(
        actor=actor, door=door, action="flag_stale", at=now,
        object_type=flags._meta.label_lower,
        rows=[(f"{min(ids)}-{max(ids)}",
               f"{counted(len(ids), noun)} stale since {today:%Y-%m-%d} (open)",
               {"flagged": len(ids), "never_reviewed": never, "stale": len(ids) - never,
                "raised_on": today})],
    )


def _insert_flags(flags, candidates, *, now, today):
    """Raise a flag (``flags``: a flag model) on each candidate document, skipping one
    that has an open flag by now (another scan). ``candidates`` are rows starting with
    the document's id and last review date. Returns ``(flag id, document id, state)``
    of the flags raised."""
    key = f"{flags.document_key}_id"
    columns, source = jsonrows.select(
        {key: "bigint", "state": "text", "last_reviewed_on": "date"})
    sql = (
        f'INSERT INTO "{flags._meta.db_table}" (raised_at, raised_on, {key}, state, '
        f"last_reviewed_on) SELECT %s, %s, {columns} FROM {source} WHERE true "
        f"ON CONFLICT DO NOTHING RETURNING id, {key}, state"
    )
    rows = [{key: pk, "last_reviewed_on": reviewed_on,
             "state": ReviewState.NEVER if reviewed_on is None else ReviewState.STALE}
            for pk, reviewed_on, *_ in candidates]
    params = [connection.ops.adapt_datetimefield_value(now),
              connection.ops.adapt_datefield_value(today), jsonrows.param(rows)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return sorted(cursor.fetchall(), key=lambda row: row[1])


def _email_flags(flags):
    """One digest per recipient of the sections newly flagged for them."""
    owners = (Function.objects.select_related("head", "deputy")
              .filter(pk__in={f.owner_id for f in flags}))
    recipients = notify.recipients_for_many(owners)
    by_recipient = defaultdict(list)
    for f in flags:
        to = recipients[f.owner_id]
        if to:
            by_recipient[tuple(to)].append(f)
    for to, listed in by_recipient.items():
        _flag_email(listed, list(to))


# A digest names this many sections and run books at most: a head of a function owning
# 17,000 sections gets a readable e-mail of a few kilobytes, not a 2 MB list.
DIGEST_SHOWN = 20


def _urgency(flag):
    """Never reviewed first, then the longest since a review."""
    return (flag.last_reviewed_on is not None, flag.last_reviewed_on, flag.section_label)


def _flag_email(flags, to):
    """The digest to one recipient: how many sections went stale, the count per run book
    (most first, at most ``DIGEST_SHOWN`` run books), the ``DIGEST_SHOWN`` most urgent
    sections with their addresses, and a link to the dashboard for the rest."""
    url = links.section_urls()
    subject = (f"Run book section is stale: {flags[0].title}" if len(flags) == 1
               else f"{len(flags)} run book sections are stale")
    per_runbook = Counter(f.runbook_title for f in flags).most_common()
    urgent = heapq.nsmallest(DIGEST_SHOWN, flags, key=_urgency)
    notify.send(to, subject, render_to_string("runbook/email/sections_stale.txt", {
        "total": counted(len(flags), "section"),
        "runbooks": counted(len(per_runbook), "run book"),
        "per_runbook": per_runbook[:DIGEST_SHOWN],
        "more_runbooks": max(0, len(per_runbook) - DIGEST_SHOWN),
        "sections": [(f.title, f.runbook_title,
                      f"{f.last_reviewed_on:%Y-%m-%d}" if f.last_reviewed_on else "",
                      f.owner_name, url(f.section_id)) for f in urgent],
        "more_sections": len(flags) - len(urgent),
        "dashboard": links.dashboard_url(),
    }))
