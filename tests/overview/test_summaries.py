"""Whole-model summaries kept in the cache until the model changes (``revops.summaries``):
read once per version of the model, computed afresh after any change a service makes,
on a new day, and at the latest after ``REVOPS_SUMMARY_SECONDS``; a cache that is down
costs the computation, never the page."""

import datetime as dt
import pickle

import pytest
import time_machine
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from revops import summaries
from revops.admin import ConsoleUserAdmin, site
from revops.models import AuditEntry, Door, Function
from runbook import selectors
from runbook import services as runbook_services
from runbook.dashboard import _review_queue
from runbook.models import Section

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_for_the_module")]


@pytest.fixture(autouse=True)
def _kept(settings):
    """The lifetime a running install has (the suite computes summaries on every read)."""
    settings.REVOPS_SUMMARY_SECONDS = 300


def readiness(today):
    with CaptureQueriesContext(connection) as queries:
        facts = selectors.section_readiness(today=today, shown=5)
    return facts, len(queries)


def test_a_summary_is_computed_once_per_version_of_the_model(lead):
    today = timezone.localdate()
    facts, computed = readiness(today)
    again, read = readiness(today)
    assert computed > 1 and read == 1  # the version: one index read
    assert again == facts
    stale = Section.objects.get(title="Incident playbooks")
    runbook_services.section_review(section=stale, actor=lead, door=Door.UI)
    after, queries = readiness(today)
    assert queries > 1
    assert after.out_of_date.count == facts.out_of_date.count - 1
    assert "Incident playbooks" not in " ".join(after.out_of_date.labels)


def test_a_new_day_computes_it_afresh():
    today = timezone.localdate()
    readiness(today)
    _, queries = readiness(today + dt.timedelta(days=1))
    assert queries > 1


def test_a_write_outside_the_services_is_read_at_the_latest_when_the_summary_expires(
        settings):
    today = timezone.localdate()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        facts, _ = readiness(today)
        Section.objects.filter(title="Incident playbooks").update(last_reviewed_on=today)
        assert readiness(today)[0] == facts  # no audit entry: the summary is kept
        clock.shift(settings.REVOPS_SUMMARY_SECONDS + 1)
        assert readiness(today)[0].out_of_date.count == facts.out_of_date.count - 1


def test_without_a_lifetime_it_is_computed_on_every_read(settings):
    settings.REVOPS_SUMMARY_SECONDS = 0
    today = timezone.localdate()
    _, first = readiness(today)
    _, second = readiness(today)
    assert first > 1 and second > 1


def test_a_cache_that_is_down_costs_the_computation_not_the_page(settings, client, viewer):
    settings.CACHES = {"default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.1, "socket_timeout": 0.1}}}
    settings.RATELIMIT_ENABLE = False
    facts, computed = readiness(timezone.localdate())
    assert computed > 1 and facts.sections > 0
    client.force_login(viewer)
    assert client.get("/readiness/").status_code == 200


def test_a_summary_kept_by_other_code_is_not_read(monkeypatch):
    """A deploy may change what a summary holds: its key names the code that kept it."""
    today = timezone.localdate()
    readiness(today)
    monkeypatch.setattr(summaries, "code_version", lambda: "another-deploy")
    _, queries = readiness(today)
    assert queries > 1


def test_the_kept_review_queue_holds_no_password_hash_or_address():
    queue = _review_queue(today=timezone.localdate())
    assert any(s.last_reviewed_by_id for s in queue["sections"])
    kept = pickle.dumps(queue)
    assert b"md5$" not in kept and b"@example.com" not in kept


def test_a_head_deactivated_in_the_console_is_read_at_once(rf, lead):
    today = timezone.localdate()
    facts, _ = readiness(today)
    head = Function.objects.get(slug="sales").head
    head.is_active = False
    request = rf.post("/admin/")
    request.user = lead
    ConsoleUserAdmin(User, site).save_model(request, head, form=None, change=True)
    assert AuditEntry.objects.filter(object_id=str(head.pk), door="console",
                                     changes__is_active=[True, False]).exists()
    assert readiness(today)[0].headless.count > facts.headless.count
