"""The console: a lead marks items governed (audited); a governed section's title cannot
be changed there either (the 409 page naming the rule)."""

import pytest

from revops.models import AuditEntry, Door
from runbook.models import Definition, Section
from tests.runbook.factories import make_definition, make_runbook

pytestmark = pytest.mark.django_db


def action(client, changelist, name, pk):
    return client.post(changelist, {"action": name, "_selected_action": [pk], "index": "0",
                                    "select_across": "0"})


def test_a_lead_governs_from_the_console_and_a_head_is_told_no(client, people):
    free = make_definition("SQL", owner="sales")
    client.force_login(people["sales"])
    action(client, "/admin/runbook/definition/", "govern", free.pk)
    assert not Definition.objects.get(pk=free.pk).governed
    client.force_login(people["lead"])
    answer = action(client, "/admin/runbook/definition/", "govern", free.pk)
    assert answer.status_code == 302
    assert Definition.objects.get(pk=free.pk).governed
    assert AuditEntry.objects.filter(action="govern", door=Door.CONSOLE).count() == 1


def test_renaming_a_governed_section_in_the_console_is_refused_naming_the_rule(client, people):
    book = make_runbook(actor=people["lead"])
    client.force_login(people["lead"])
    action(client, "/admin/runbook/runbook/", "govern", book.pk)
    section = book.sections.get(kind="process")
    answer = client.post(f"/admin/runbook/section/{section.pk}/change/", {
        "title": "Renamed", "owner": section.owner_id})
    assert answer.status_code == 409
    assert "governed" in answer.content.decode()
    assert Section.objects.get(pk=section.pk).title == section.title
