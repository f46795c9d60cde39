"""Escalation: a stale flag still open some days after it was raised goes, once, to
the function Accountable for its layer (sections and definitions alike)."""

from collections import defaultdict
from dataclasses import dataclass

from django.db import connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from revops import audit, events, jsonrows, notify, policy
from revops.models import Function
from revops.words import counted, plural
from runbook import rules
from runbook.models import DefinitionStaleFlag, StaleFlag
from runbook.services import links, payloads


@dataclass(frozen=True)
class Escalation:
    """A stale flag just escalated, with what its e-mail and webhook need."""

    flag: int
    section_id: int
    kind: str
    title: str
    runbook_id: int
    runbook_title: str
    owner_slug: str
    owner_name: str
    revision: int
    raised_on: object
    to: int


_ESCALATION_COLUMNS = ("pk", "section_id", "section__kind", "section__title",
                       "section__runbook_id", "section__runbook__title", "section__owner__slug",
                       "section__owner__name", "section__revision", "raised_on",
                       "section__owner_id")


@transaction.atomic
def escalate_stale_sections(*, accountable, fallback, door, today=None, actor=None,
                            after_days=None):
    """Escalate every open stale flag raised ``after_days`` (``REVOPS_ESCALATE_AFTER_DAYS``)
    or more days ago and not escalated yet, once per flag, to the function Accountable
    for its section's kind (``accountable``: ``{kind: function id}``), or to
    ``fallback`` (RevOps, whose people are the leads: they are told too) when that is
    the owner itself — see ``rules.escalation_target``; with no fallback such a flag is
    left alone.

    Set-based: one locked read of the flags, one ``UPDATE … FROM`` of them all that
    skips a flag escalated or closed meanwhile (so two runs at once escalate it once),
    one statement of audit entries, the ``section.escalated`` webhooks and one e-mail
    per recipient. Returns the escalations made."""
    policy.require_administer(actor)
    today = today or timezone.localdate()
    due = (StaleFlag.objects.filter(closed_at__isnull=True, escalated_at__isnull=True,
                                    section__runbook__archived_at__isnull=True,
                                    raised_on__lte=rules.escalation_cutoff(
                                        today, after_days=after_days))
           .select_for_update(of=("self",)).order_by("pk").values_list(*_ESCALATION_COLUMNS))
    candidates = {}
    for *row, owner_id in due:
        target = rules.escalation_target(kind=row[2], owner_id=owner_id,
                                         accountable=accountable, fallback=fallback)
        if target is not None:
            candidates[row[0]] = Escalation(*row, to=target)
    if not candidates:
        return []
    now = timezone.now()
    escalated = [candidates[pk] for pk in _mark_escalated(
        [(e.flag, e.to) for e in candidates.values()], now=now)]
    if not escalated:
        return []
    targets = Function.objects.select_related("head", "deputy").in_bulk({e.to for e in escalated})
    audit.record_rows(
        actor=actor, door=door, action="escalate", at=now,
        object_type=StaleFlag._meta.label_lower,
        rows=[(e.flag, f"{e.runbook_title} · {e.title} stale since {e.raised_on:%Y-%m-%d}",
               {"section": e.section_id, "escalated_to": targets[e.to].slug})
              for e in escalated],
    )
    events.emit_many("section.escalated", (
        {**payloads.section_values(id=e.section_id, runbook=e.runbook_id, kind=e.kind,
                                   title=e.title, owner=e.owner_slug, revision=e.revision),
         "flag": e.flag, "stale_since": e.raised_on, "escalated_to": targets[e.to].slug,
         "escalated_at": now}
        for e in escalated
    ))
    _email_escalations(escalated, targets, leads_function=fallback)
    return escalated


@transaction.atomic
def escalate_stale_definitions(*, accountable, fallback, door, today=None, actor=None,
                               after_days=None):
    """``escalate_stale_sections`` for definitions: the same cut-off and target rule
    (``accountable`` is keyed by layer, which a definition has as a section has its
    kind), the same once-per-flag stamp; an audit entry and a ``definition.escalated``
    event each, and one e-mail per head escalated to. Returns ``(flag id, definition
    id, term, slug, function id)`` of each escalation made."""
    policy.require_administer(actor)
    today = today or timezone.localdate()
    due = (DefinitionStaleFlag.objects.filter(
        closed_at__isnull=True, escalated_at__isnull=True,
        raised_on__lte=rules.escalation_cutoff(today, after_days=after_days))
        .select_for_update(of=("self",)).order_by("pk")
        .values_list("pk", "definition_id", "definition__term", "definition__slug",
                     "definition__layer", "definition__owner_id"))
    candidates = {}
    for pk, definition_id, term, slug, layer, owner_id in due:
        target = rules.escalation_target(kind=layer, owner_id=owner_id,
                                         accountable=accountable, fallback=fallback)
        if target is not None:
            candidates[pk] = (pk, definition_id, term, slug, target)
    if not candidates:
        return []
    now = timezone.now()
    escalated = [candidates[pk] for pk in _mark_escalated(
        [(e[0], e[-1]) for e in candidates.values()], now=now, flags=DefinitionStaleFlag)]
    if not escalated:
        return []
    targets = Function.objects.select_related("head", "deputy").in_bulk({e[-1] for e in escalated})
    audit.record_rows(
        actor=actor, door=door, action="escalate", at=now,
        object_type=DefinitionStaleFlag._meta.label_lower,
        rows=[(pk, f"{term} stale", {"definition": d, "escalated_to": targets[to].slug})
              for pk, d, term, _, to in escalated],
    )
    events.emit_many("definition.escalated", (
        {"id": d, "term": term, "slug": slug, "flag": pk, "escalated_to": targets[to].slug,
         "escalated_at": now}
        for pk, d, term, slug, to in escalated
    ))
    for to, function in targets.items():
        listed = [e for e in escalated if e[-1] == to]
        notify.email_function(
            function, f"Escalated: {counted(len(listed), 'shared definition')} "
            f"{plural(len(listed), 'is', 'are')} still stale",
            render_to_string("runbook/email/definitions_escalated.txt", {
                "definitions": [(term, links.definition_url(slug))
                                for _, _, term, slug, _ in listed]}))
    return escalated


def _mark_escalated(pairs, *, now, flags=StaleFlag):
    """Stamp each flag of ``(flag id, function id)`` in ``pairs`` (``flags``: the flag
    model), skipping any escalated or closed since they were read. Returns the ids of
    the flags stamped."""
    columns, source = jsonrows.columns_of({"flag": "bigint", "target": "bigint"})
    table = flags._meta.db_table
    sql = (
        f'UPDATE "{table}" SET escalated_at = %s, escalated_to_id = {columns["target"]} '
        f'FROM {source} WHERE "{table}".id = {columns["flag"]} '
        f'AND "{table}".escalated_at IS NULL AND "{table}".closed_at IS NULL '
        f'RETURNING "{table}".id'
    )
    rows = [{"flag": flag, "target": target} for flag, target in pairs]
    with connection.cursor() as cursor:
        cursor.execute(sql, [connection.ops.adapt_datetimefield_value(now), jsonrows.param(rows)])
        return sorted(row[0] for row in cursor.fetchall())


def _email_escalations(escalated, targets, *, leads_function):
    """One e-mail per recipient: the head of the function escalated to (for
    ``leads_function``, also every RevOps lead), listing the sections escalated to them."""
    recipients = notify.recipients_for_many(targets.values())
    leads = notify.leads_emails() if leads_function in targets else []
    by_recipient = defaultdict(list)
    for e in escalated:
        to = set(recipients[e.to])
        if e.to == leads_function:
            to.update(leads)
        for address in to:
            by_recipient[address].append(e)
    url = links.section_urls()
    # Each line's values as a tuple of text, as in the stale e-mail (staleness._flag_email).
    for address, listed in sorted(by_recipient.items()):
        subject = (f"Escalated: “{listed[0].title}” is still stale" if len(listed) == 1
                   else f"Escalated: {len(listed)} run book sections are still stale")
        notify.send([address], subject, render_to_string("runbook/email/sections_escalated.txt", {
            "sections": [(e.title, e.runbook_title, e.owner_name, f"{e.raised_on:%Y-%m-%d}",
                          targets[e.to].name, url(e.section_id)) for e in listed]}))
