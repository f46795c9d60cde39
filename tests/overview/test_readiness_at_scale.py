"""The readiness report's run-book checks over a large model: counted in SQL, the same
queries at two sizes, and a failing check names its first sections and how many more."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from overview import lint, readiness
from runbook.models import Revision, Section
from tests.runbook.factories import make_sections

pytestmark = pytest.mark.django_db


def _runbook_checks():
    with CaptureQueriesContext(connection) as queries:
        checks = readiness._runbook_checks(timezone.localdate())
    return {c.code: c for c in checks}, len(queries.captured_queries)


def _blank_cadence():
    """A blank current revision of every Cadence section still at revision 1."""
    sections = list(Section.objects.filter(kind="cadence", revision=1))
    Revision.objects.bulk_create([Revision(section=s, number=2, base_number=1, body="  \n ",
                                           summary="Emptied", door="cli") for s in sections])
    Section.objects.filter(pk__in=[s.pk for s in sections]).update(revision=2)


def test_the_run_book_checks_run_the_same_queries_for_2_and_12_run_books(monkeypatch):
    monkeypatch.setattr(lint, "PAGE_CAP", 5)
    make_sections(2)
    _blank_cadence()
    _runbook_checks()  # warms the process's caches (the organisation's fiscal year)
    small, small_queries = _runbook_checks()
    make_sections(10)
    _blank_cadence()
    large, large_queries = _runbook_checks()
    assert small_queries == large_queries
    assert not any(c.passed for c in large.values())
    fresh = large["runbook_fresh"]  # 72 sections never reviewed
    assert len(fresh.gaps) == 5 and fresh.message.endswith(" and 67 more.")
    assert fresh.gaps[0].startswith("Bulk run book ") and " · " in fresh.gaps[0]
    written = large["runbook_written"]
    assert written.message.startswith("12 sections have no content: ")
    assert all(g.endswith("· Cadence") for g in written.gaps)
    headless = large["sections_owned"]
    no_head = Section.objects.filter(owner__head__isnull=True).count()  # no one heads any
    assert no_head > 5 and headless.message.endswith(f" and {no_head - 5} more.")


def test_one_run_book_names_its_sections_by_title_alone():
    make_sections(1)
    checks, _ = _runbook_checks()
    fresh = checks["runbook_fresh"]
    assert not fresh.passed and len(fresh.gaps) == 6 and " · " not in fresh.gaps[0]
    assert checks["runbook_written"].passed
