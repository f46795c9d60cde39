"""Every kind of audit entry the services write reads as a change on the audit page: one
entry of each kind is written through its service and rendered. The kinds come from the
table of every service that takes a door (``test_audit_coverage.CALLS``, which fails when
a service is missing from it), plus the writers outside those modules."""

from datetime import timedelta

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext

from cadence import services as cadence
from overview import services as overview
from revops import audit, sso
from revops.models import AuditEntry, Door, Function
from runbook import services as runbook
from tests.core.test_audit_coverage import (
    CALLS,
    SIGNED_BY_A_HEAD,
    _occurrence,
    _sales_section,
)
from tests.factories import UserFactory, make_head

pytestmark = pytest.mark.django_db

CHANGES = Template(
    "{% load revops_tags %}{% for change in changes|readable_changes %}"
    "[{{ change.field }}|{% if change.before is None %}{{ change.after }}"
    "{% else %}{{ change.before }} → {{ change.after }}{% endif %}]{% endfor %}"
)


def rendered(changes):
    return CHANGES.render(Context({"changes": changes}, autoescape=False))


def _hand_over(actor, door):
    person = make_head("cs", "leaving-head")
    overview.person_hand_over(actor=actor, door=door, person=person,
                              successor=UserFactory(username="successor"))


def _sso_sign_in(actor, door):
    sso.sign_in_from_claims(issuer="https://login.example.com", claims={
        "sub": "abc", "preferred_username": "dana", "email": "dana@example.com",
        "given_name": "Dana", "family_name": "Ray"})


def _mark_missed(actor, door, time_machine):
    occurrence = _occurrence()
    time_machine.move_to(occurrence.scheduled_for + timedelta(days=5))
    cadence.mark_missed(door=door)


def _raise_revisits(actor, door, time_machine):
    """A held meeting's decision, linked to a section, revisited on its day by the job."""
    occurrence = _occurrence()
    time_machine.move_to(occurrence.scheduled_for + timedelta(hours=1))
    cadence.occurrence_record(
        occurrence=occurrence, status="held", actor=actor, door=door,
        decisions=[{"text": "Try a two-stage forecast", "owner": Function.objects.get(
            slug="sales"), "revisit_on": occurrence.scheduled_for.date() + timedelta(days=7),
            "link": ("section", _sales_section())}])
    time_machine.move_to(occurrence.scheduled_for + timedelta(days=8))
    cadence.raise_due_revisits(door=Door.TASK)


OTHER_WRITERS = {
    "overview.person_hand_over": _hand_over,
    "revops.sso.sign_in_from_claims": _sso_sign_in,
}


def _written_by(name, lead, time_machine):
    before = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    if name == "cadence.mark_missed":
        _mark_missed(lead, Door.TASK, time_machine)
    elif name == "cadence.raise_due_revisits":
        _raise_revisits(lead, Door.UI, time_machine)
    else:
        if name in SIGNED_BY_A_HEAD:
            Function.objects.filter(slug="revops").update(head=lead)
        (CALLS.get(name) or OTHER_WRITERS[name])(lead, Door.UI)
    return list(AuditEntry.objects.filter(id__gt=before).order_by("id"))


@pytest.mark.parametrize("name", sorted([*CALLS, *OTHER_WRITERS]))
def test_every_kind_of_entry_renders_each_change_whole(name, lead, time_machine):
    entries = _written_by(name, lead, time_machine)
    assert entries, f"{name} wrote no audit entry"
    for entry in entries:
        for field, value in entry.changes.items():
            assert isinstance(value, list) and len(value) == 2, (
                f"{entry.object_type} {entry.action}: {field} is not [before, after]")
        text = rendered(entry.changes)
        for field, (before, after) in entry.changes.items():
            line = next(c for c in audit.readable({field: [before, after]}))
            assert f"[{line.field}|" in text
            if before is None:  # set, not changed: no arrow, the value whole
                assert f"[{line.field}|{line.after}]" in text
            if isinstance(after, str) and after:
                assert after[:20] in text, (entry.action, field, text)


def test_a_review_reads_as_dates_revisions_and_the_note_whole(lead, time_machine):
    time_machine.move_to("2026-03-02 10:00Z")
    section = _sales_section()
    runbook.section_review(section=section, actor=lead, door=Door.UI, note="Still right")
    time_machine.move_to("2026-05-04 10:00Z")
    runbook.section_review(section=section, actor=lead, door=Door.UI, note="Re-read")
    entry = AuditEntry.objects.filter(action="review").latest("id")
    text = rendered(entry.changes)
    assert "[last reviewed on|2026-03-02 → 2026-05-04]" in text
    assert "[note|Re-read]" in text and "R → e" not in text


def test_entries_written_with_plain_values_before_every_change_was_a_pair_read_whole():
    text = rendered({"note": "Reviewed", "revision": 2, "summary": "", "warnings": []})
    assert text == "[note|Reviewed][revision|2][summary|—][warnings|—]"


def test_a_list_value_passed_plain_is_refused_as_ambiguous():
    with pytest.raises(ValueError):
        audit.record(actor=None, door=Door.CLI, action="x", obj=Function.objects.first(),
                     changes={"sections": ["a", "b", "c"]})


def test_the_audit_page_shows_a_review_note_whole(client, lead):
    runbook.section_review(section=_sales_section(), actor=lead, door=Door.UI,
                           note="Checked against the CRM")
    client.force_login(lead)
    page = client.get("/audit/").content.decode()
    assert "<dt>note</dt><dd>Checked against the CRM</dd>" in page


def test_the_audit_page_names_people_as_the_header_does_in_a_constant_number_of_queries(
        client, lead):
    lead.first_name, lead.last_name = "Riley", "Okafor"
    lead.save()
    section = _sales_section()
    client.force_login(lead)
    runbook.section_review(section=section, actor=lead, door=Door.UI, note="one")
    with CaptureQueriesContext(connection) as few:
        client.get("/audit/")
    for n in range(20):
        runbook.section_review(section=section, actor=lead, door=Door.UI, note=f"again {n}")
    with CaptureQueriesContext(connection) as many:
        page = client.get("/audit/").content.decode()
    assert len(many) == len(few)
    assert "<td>Riley Okafor</td>" in page and "<td>lead</td>" not in page
