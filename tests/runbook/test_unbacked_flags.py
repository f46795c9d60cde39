"""Issue 18 point 6: a stale flag the rule no longer backs (raised by a scan run for a
future day) is closed by the next scan with an audit entry, and no page or endpoint
ever shows "fresh" beside "flagged stale"."""

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from revops.models import AuditEntry, Door
from runbook import selectors, services
from runbook.models import DefinitionStaleFlag, StaleFlag
from tests.runbook.factories import make_definition, section

pytestmark = pytest.mark.django_db
TODAY = dt.datetime(2026, 11, 20, 12, tzinfo=dt.UTC)


def _open(model):
    return model.objects.filter(closed_at__isnull=True)


@time_machine.travel(TODAY, tick=False)
def test_a_future_scan_then_todays_scan_closes_the_flags_it_no_longer_backs(runbook, lead):
    target = section(runbook, "process")
    services.section_review(section=target, actor=lead, door=Door.UI)
    definition = make_definition()
    call_command("flag_stale_sections", "--today", "2028-01-01", stdout=StringIO())
    assert _open(StaleFlag).filter(section=target).exists()
    assert _open(DefinitionStaleFlag).filter(definition=definition).exists()

    state = selectors.sections_with_state(today=TODAY.date()).get(pk=target.pk)
    assert (state.review_state, state.stale_since) == ("fresh", None)  # never contradicts

    out = StringIO()
    call_command("flag_stale_sections", stdout=out)
    assert "closed as no longer stale: 2" in out.getvalue()
    assert not _open(StaleFlag).filter(section=target).exists()
    assert not _open(DefinitionStaleFlag).exists()
    closed = AuditEntry.objects.filter(action="close_stale_flag")
    assert {e.object_type for e in closed} == {"runbook.staleflag", "runbook.definitionstaleflag"}
    assert all(e.door == "cli" and "not stale on 2026-11-20" in e.changes["reason"]
               for e in closed)
    # the never-reviewed sections stay flagged: the rule still backs them
    assert _open(StaleFlag).count() == 5


@time_machine.travel(TODAY, tick=False)
def test_future_scan_review_then_scan_again_leaves_no_flag_and_no_extra_entry(runbook, lead):
    target = section(runbook, "process")
    services.flag_stale_sections(door=Door.TASK, today=dt.date(2028, 1, 1))
    services.section_review(section=target, actor=lead, door=Door.UI)  # closes its flag
    services.flag_stale_sections(door=Door.TASK)
    assert not _open(StaleFlag).filter(section=target).exists()
    assert not AuditEntry.objects.filter(action="close_stale_flag").exists()
    services.flag_stale_sections(door=Door.TASK, today=dt.date(2028, 1, 1))
    assert _open(StaleFlag).filter(section=target).exists()


@time_machine.travel(TODAY, tick=False)
def test_the_section_page_never_says_fresh_and_flagged_stale(client, runbook, lead):
    target = section(runbook, "process")
    services.section_review(section=target, actor=lead, door=Door.UI)
    services.flag_stale_sections(door=Door.TASK, today=dt.date(2028, 1, 1))
    client.force_login(lead)
    page = client.get(f"/runbook/sections/{target.pk}/").content.decode()
    assert "Fresh" in page and "flagged stale" not in page
