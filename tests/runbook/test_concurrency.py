"""Writers at the same moment, on real PostgreSQL: two on one base revision make exactly
one new revision; two scans, two escalation runs, two concerns by one person each write
once."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from revops.models import AuditEntry, Door, Function
from runbook import services
from runbook.models import Concern, Review, Revision, Section, StaleFlag
from tests.concurrency import run_concurrently
from tests.runbook.factories import make_runbook, section

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


@pytest.mark.parametrize("attempt", range(5))
def test_two_saves_on_the_same_base_make_exactly_one_revision(lead, attempt):
    runbook = make_runbook(f"Concurrent {attempt}")
    pk = section(runbook, "process").pk

    def save(text):
        return lambda: services.section_revise(
            section=Section.objects.get(pk=pk), body=text, base_revision=1, actor=lead,
            door=Door.API,
        )

    outcomes = run_concurrently(save("Alice's text"), save("Bob's text"))
    revisions = [o for o in outcomes if isinstance(o, Revision)]
    conflicts = [o for o in outcomes if isinstance(o, services.RevisionConflict)]
    assert len(revisions) == 1 and len(conflicts) == 1, outcomes
    assert conflicts[0].current.number == 2
    assert Revision.objects.filter(section_id=pk).count() == 2
    assert Section.objects.get(pk=pk).revision == 2
    assert Review.objects.filter(section_id=pk).count() == 1


def test_two_scans_at_once_open_one_flag_per_section():
    make_runbook("Scanned twice")
    outcomes = run_concurrently(
        lambda: services.flag_stale_sections(door=Door.TASK),
        lambda: services.flag_stale_sections(door=Door.TASK),
    )
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert sorted(len(o.newly_flagged) for o in outcomes) == [0, 6]
    assert StaleFlag.objects.filter(closed_at__isnull=True).count() == 6


def test_two_escalation_runs_at_once_escalate_each_flag_once():
    make_runbook("Escalated twice")
    services.flag_stale_sections(door=Door.TASK, today=dt.date.today() - dt.timedelta(days=30))
    revops = Function.objects.get(slug="revops").pk

    def run():
        return services.escalate_stale_sections(accountable={}, fallback=revops,
                                                door=Door.TASK)

    outcomes = run_concurrently(run, run)
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert sorted(len(o) for o in outcomes) == [0, 6]
    assert StaleFlag.objects.filter(escalated_at__isnull=False).count() == 6
    assert AuditEntry.objects.filter(action="escalate").count() == 6


def test_two_concerns_by_one_person_at_once_keep_one_open(viewer):
    pk = section(make_runbook("Concerned twice"), "process").pk

    def raise_one(reason):
        return lambda: services.concern_raise(section=Section.objects.get(pk=pk),
                                              reason=reason, actor=viewer, door=Door.API)

    outcomes = run_concurrently(raise_one("first"), raise_one("second"))
    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    assert len(refused) == 1 and "reason" in refused[0].message_dict, outcomes
    assert Concern.objects.filter(section_id=pk, resolved_at__isnull=True).count() == 1
