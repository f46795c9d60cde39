"""Two writers, one base revision: exactly one new revision, on real PostgreSQL."""

import threading

import pytest
from django.db import connection, connections

from revops.models import Door
from runbook import services
from runbook.models import Review, Revision, Section, StaleFlag
from tests.runbook.factories import make_runbook, section

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


def run_concurrently(*calls):
    """Start every call at the same moment on its own connection; collect outcomes."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def worker(i, call):
        try:
            barrier.wait()
            outcomes[i] = call()
        except Exception as error:  # noqa: BLE001 - the outcome is what we assert on
            outcomes[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return outcomes


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
