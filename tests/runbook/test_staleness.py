"""The stale-section scan: set-based, idempotent, one open flag per section, e-mails,
audit and webhooks; the same service behind the Celery task and the command."""

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from revops import organisation, outbox
from revops.models import AuditEntry, Door, Function, Webhook, WebhookDelivery
from runbook import selectors, services, tasks
from runbook.models import Section, StaleFlag
from tests.factories import UserFactory, make_head
from tests.runbook.factories import (
    make_runbook,
    make_sections,
    section,
    stamp_review,
)

pytestmark = pytest.mark.django_db
D = dt.date


def open_flags():
    return StaleFlag.objects.filter(closed_at__isnull=True)


def test_scan_flags_never_reviewed_and_stale_but_not_due_or_fresh(runbook, lead):
    stamp_review(section(runbook, "strategy"), D(2026, 2, 10), by=lead)  # stale on 2026-10-01
    stamp_review(section(runbook, "process"), D(2026, 4, 1), by=lead)  # due on 2026-10-01
    stamp_review(section(runbook, "systems"), D(2026, 9, 30), by=lead)  # fresh
    result = services.flag_stale_sections(door=Door.TASK, today=D(2026, 10, 1),
                                          threshold=2, start_month=1)
    flagged = {f.kind: f.state for f in result.newly_flagged}
    assert flagged == {"strategy": "stale", "insights": "never", "cadence": "never",
                       "playbooks": "never"}
    assert str(result) == "newly flagged: 4, already flagged: 0"


def test_the_design_example_day_by_day(runbook, lead):
    target = section(runbook, "strategy")
    stamp_review(target, D(2026, 2, 10), by=lead)
    Section.objects.exclude(pk=target.pk).update(last_reviewed_on=D(2026, 9, 30))
    for today, flagged in [("2026-06-30", False), ("2026-09-30", False), ("2026-10-01", True)]:
        services.flag_stale_sections(door=Door.TASK, today=D.fromisoformat(today),
                                     threshold=2, start_month=1)
        assert open_flags().filter(section=target).exists() is flagged, today


def test_rerunning_the_scan_creates_no_duplicates(runbook):
    first = services.flag_stale_sections(door=Door.TASK)
    second = services.flag_stale_sections(door=Door.TASK)
    assert len(first.newly_flagged) == 6
    assert (len(second.newly_flagged), second.already_flagged) == (0, 6)
    assert StaleFlag.objects.count() == 6


def test_the_database_holds_at_most_one_open_flag_per_section(runbook):
    target = section(runbook, "process")
    StaleFlag.objects.create(section=target, raised_on=D(2026, 1, 1), state="never")
    with pytest.raises(IntegrityError), transaction.atomic():
        StaleFlag.objects.create(section=target, raised_on=D(2026, 1, 2), state="never")
    StaleFlag.objects.update(closed_at=timezone.now())
    StaleFlag.objects.create(section=target, raised_on=D(2026, 1, 3), state="never")


def test_a_review_closes_the_flag_and_a_later_staleness_opens_a_new_one(runbook, lead):
    target = section(runbook, "insights")
    services.flag_stale_sections(door=Door.TASK, today=D(2026, 1, 5))
    stamp_review(target, D(2026, 1, 6), by=lead)
    assert not open_flags().filter(section=target).exists()
    services.flag_stale_sections(door=Door.TASK, today=D(2026, 9, 1))
    assert not open_flags().filter(section=target).exists()  # due, not stale
    services.flag_stale_sections(door=Door.TASK, today=D(2026, 10, 1))
    assert open_flags().get(section=target).state == "stale"
    assert StaleFlag.objects.filter(section=target).count() == 2


def test_each_head_gets_one_email_listing_all_their_newly_stale_sections(
        runbook, lead, django_capture_on_commit_callbacks):
    sales_head = make_head("sales", "sally")
    revops_head = UserFactory(username="rita")
    Function.objects.filter(slug="revops").update(head=revops_head)
    Function.objects.filter(slug="cro").update(head=None)
    Section.objects.filter(runbook=runbook, kind="process").update(
        owner=Function.objects.get(slug="sales")
    )
    stamp_review(section(runbook, "strategy"), D(2025, 1, 10), by=lead)
    with django_capture_on_commit_callbacks(execute=True):
        services.flag_stale_sections(door=Door.TASK, today=D(2026, 10, 1))
    outbox.drain()
    by_recipient = {tuple(m.to): m for m in mail.outbox}
    assert len(mail.outbox) == 2 and set(by_recipient) == {(sales_head.email,),
                                                           (revops_head.email,)}
    sales_mail = by_recipient[(sales_head.email,)]
    assert sales_mail.subject == "Run book section is stale: Process and workflow"
    assert f"/runbook/sections/{section(runbook, 'process').pk}/" in sales_mail.body
    revops_mail = by_recipient[(revops_head.email,)]  # its own sections and the CRO's
    assert revops_mail.subject == "5 run book sections are stale"
    others = Section.objects.filter(runbook=runbook).exclude(kind="process")
    for other in others:
        assert f"“{other.title}” in the run book “{runbook.title}”" in revops_mail.body
        assert f"/runbook/sections/{other.pk}/" in revops_mail.body
    assert "was last reviewed on 2025-01-10" in revops_mail.body
    assert revops_mail.body.count("has never been reviewed") == 4
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.flag_stale_sections(door=Door.TASK, today=D(2026, 10, 1))
    outbox.drain()
    assert mail.outbox == []  # only new flags e-mail


def test_a_head_with_hundreds_of_newly_stale_sections_gets_a_short_digest(
        lead, django_capture_on_commit_callbacks):
    """Counts per run book (at most 20 named, most first), the 20 most urgent sections
    (never reviewed first, then the longest since a review) and a link for the rest."""
    sally = make_head("sales", "sally")
    books = make_sections(25)
    Section.objects.update(owner=Function.objects.get(slug="sales"))
    reviewed = Section.objects.filter(runbook__in=books).order_by("pk")
    reviewed.filter(runbook=books[0]).update(last_reviewed_on=D(2024, 1, 1))  # stale
    never = reviewed.exclude(runbook=books[0]).order_by("pk")
    Section.objects.filter(pk__in=list(never.values_list("pk", flat=True)[:140])).update(
        last_reviewed_on=D(2025, 1, 1))
    with django_capture_on_commit_callbacks(execute=True):
        result = services.flag_stale_sections(door=Door.TASK, today=D(2026, 10, 1))
    outbox.drain()
    (message,) = [m for m in mail.outbox if m.to == [sally.email]]
    total = len(result.newly_flagged)
    assert total == Section.objects.count() >= 150
    assert message.subject == f"{total} run book sections are stale"
    body = message.body
    assert body.startswith(f"{total} sections went stale today, in ")
    assert body.count("/runbook/sections/") == 20
    # 4 never reviewed, then the 6 reviewed in 2024, then 10 of the 140 from 2025.
    assert body.count("has never been reviewed") == 4
    assert body.count("was last reviewed on 2024-01-01") == 6
    assert body.count("was last reviewed on 2025-01-01") == 10
    assert f"and {total - 20} more: every run book's freshness is on the dashboard" in body
    assert "http://" in body.rsplit("dashboard,", 1)[1]
    by_runbook = [line for line in body.splitlines() if line.startswith("- “Bulk run book")
                  and line.rsplit(": ", 1)[1].isdigit()]
    assert len(by_runbook) == 20
    assert "- and 5 more run books" in body
    assert len(body) < 5000


def test_one_audit_entry_records_the_flags_a_scan_raised(runbook, lead):
    """A scan writes one entry for all the sections it flagged (a first scan of a large
    model flags tens of thousands): dated with their ``raised_at``, which finds them,
    its object id the range of their ids, its changes counting them by state."""
    stamp_review(section(runbook, "strategy"), D(2025, 1, 10), by=lead)
    services.flag_stale_sections(door=Door.TASK, today=D(2026, 10, 1), actor=lead)
    entry = AuditEntry.objects.get(action="flag_stale")
    flags = StaleFlag.objects.filter(raised_at=entry.at)
    ids = sorted(flags.values_list("pk", flat=True))
    assert len(ids) == 6 and set(ids) == set(StaleFlag.objects.values_list("pk", flat=True))
    assert (entry.object_type, entry.object_id, entry.object_repr, entry.actor,
            entry.actor_name, entry.door) == (
        "runbook.staleflag", f"{ids[0]}-{ids[-1]}", "6 sections stale since 2026-10-01 (open)",
        lead, "lead", "task")
    assert entry.changes == {"flagged": [None, 6], "never_reviewed": [None, 5],
                             "stale": [None, 1], "raised_on": [None, "2026-10-01"]}
    services.flag_stale_sections(door=Door.TASK, today=D(2026, 10, 1), actor=lead)
    assert AuditEntry.objects.filter(action="flag_stale").count() == 1


def test_a_scan_is_audited_once_and_each_new_flag_fires_section_stale_once(runbook):
    Webhook.objects.create(url="https://hooks.example.com/s", secret="s",
                           events=["section.stale"])
    services.flag_stale_sections(door=Door.CLI)
    services.flag_stale_sections(door=Door.CLI)
    assert AuditEntry.objects.filter(action="flag_stale", door="cli").count() == 1
    deliveries = WebhookDelivery.objects.filter(event="section.stale")
    assert deliveries.count() == 6
    payload = deliveries.first().payload
    assert payload["event"] == "section.stale"
    assert payload["data"]["state"] == "never" and payload["data"]["stale_since"]


@pytest.mark.parametrize("with_webhook", [False, True])
def test_the_scan_runs_the_same_number_of_queries_for_6_and_600_sections(with_webhook):
    if with_webhook:
        Webhook.objects.create(url="https://hooks.example.com/s", secret="s",
                               events=["section.stale"])
    counts = []
    for n in (1, 100):
        Section.objects.update(last_reviewed_on=D(2030, 1, 1))  # nothing stale yet
        make_sections(n if not counts else n - 1)
        StaleFlag.objects.update(closed_at=timezone.now())
        Section.objects.update(last_reviewed_on=None)
        organisation.forget()  # as each task does: the settings are read once per scan
        with CaptureQueriesContext(connection) as queries:
            result = services.flag_stale_sections(door=Door.TASK)
        assert len(result.newly_flagged) == Section.objects.count()
        counts.append(statements(queries))
    assert Section.objects.count() == 600
    assert counts[0] == counts[1]


def statements(queries):
    """The number of statements the code issued. SQLite caps the parameters of one
    statement, so Django splits a bulk insert into consecutive batches there; those
    batches are one statement of ours. On PostgreSQL every bulk insert is one query."""
    count, previous = 0, None
    for query in queries.captured_queries:
        sql = query["sql"]
        shape = sql.split(" VALUES ")[0] if sql.startswith("INSERT") else None
        if shape is None or shape != previous or connection.vendor == "postgresql":
            count += 1
        previous = shape
    return count


def test_sql_review_state_matches_the_rule_for_every_start_month(settings, runbook, lead):
    days = [D(2025, 11, 30), D(2026, 1, 31), D(2026, 2, 1), D(2026, 3, 31), D(2026, 4, 1),
            D(2026, 6, 30)]
    kinds = ["strategy", "process", "systems", "insights", "cadence", "playbooks"]
    for kind, day in zip(kinds, days, strict=True):
        Section.objects.filter(runbook=runbook, kind=kind).update(last_reviewed_on=day)
    from runbook import rules

    for start_month in range(1, 13):
        settings.REVOPS_FISCAL_YEAR_START_MONTH = start_month
        for today in (D(2026, 7, 1), D(2026, 9, 30), D(2026, 10, 1), D(2027, 1, 31)):
            with time_machine.travel(dt.datetime.combine(today, dt.time(12)), tick=False):
                got = {s.last_reviewed_on: s.review_state for s in
                       selectors.sections_with_state(runbook=runbook,
                                                     today=timezone.localdate())}
            for day in days:
                assert got[day] == rules.review_state(day, today), (start_month, today, day)


def test_command_prints_counts_on_its_last_line(runbook):
    out = StringIO()
    call_command("flag_stale_sections", "--today", "2026-05-01", stdout=out)
    assert out.getvalue().strip().splitlines()[-1] == "newly flagged: 6, already flagged: 0"
    out = StringIO()
    call_command("flag_stale_sections", stdout=out)
    assert out.getvalue().strip().splitlines()[-1] == "newly flagged: 0, already flagged: 6"
    assert AuditEntry.objects.filter(action="flag_stale", door="cli").count() == 1


def test_command_refuses_a_bad_date(runbook):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("flag_stale_sections", "--today", "01/05/2026")
    assert not StaleFlag.objects.exists()


def test_task_shares_the_service(runbook):
    assert tasks.flag_stale_sections.apply().get() == {"newly_flagged": 6, "already_flagged": 0}
    assert tasks.flag_stale_sections("2026-05-01") == {"newly_flagged": 0, "already_flagged": 6}
    assert AuditEntry.objects.filter(action="flag_stale", door="task").count() == 1


def test_task_is_in_the_beat_schedule(settings):
    names = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "runbook.tasks.flag_stale_sections" in names


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_task_runs_on_a_real_worker(celery_worker):
    import time

    make_runbook()
    # An explicit connection and polling the database (not the result backend): a task
    # sent eagerly earlier in the session leaves the app's producer pool and result
    # backend cached on the base Redis database, not the one this worker consumes.
    with celery_worker.connection_for_write() as connection_:
        tasks.flag_stale_sections.apply_async(connection=connection_)
    deadline = time.monotonic() + 20
    while StaleFlag.objects.count() < 6 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert StaleFlag.objects.count() == 6
    assert AuditEntry.objects.filter(action="flag_stale", door="task").count() == 1
