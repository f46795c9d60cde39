"""The model file at two sizes: the export and the import run the same queries for 2
and 8 more run books, held meetings with outcomes, weeks of metric values with their
corrections and off-track items, and proposals (children grouped by parent in one pass,
rows written in bulk), and the streamed export reads the same however its run books are
batched. (Larger sizes would only show SQLite's limit of 999 parameters a statement
splitting a bulk insert of about 80 rows; PostgreSQL's batches are of 2,000.)"""

import itertools
import json
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cadence.models import ActionItem, Attendance, Decision, Occurrence, Ritual
from changes.models import Acknowledgement, Comment, Proposal
from insights import rules as insights_rules
from insights.models import Metric, MetricValue, OffTrack, ReplacedValue
from overview import bootstrap, model_file
from overview.model_file import export
from runbook.models import Revision, Runbook, Section
from tests.runbook.factories import make_sections

pytestmark = pytest.mark.django_db


def _model(extra_runbooks):
    bootstrap.bootstrap(motion="hybrid", actor=None, door="cli")
    make_sections(extra_runbooks)
    _held_meetings(extra_runbooks)
    _weeks_of_values(extra_runbooks)
    _change_control(extra_runbooks)


def _held_meetings(n):
    """``n`` held occurrences of a ritual, each with its outcome: a function present, a
    rating, a decision linking a section and an action item."""
    ritual = Ritual.objects.order_by("pk").first()
    now = timezone.now()
    person = get_user_model().objects.create_user(username="doer")
    held = Occurrence.objects.bulk_create([Occurrence(
        ritual=ritual, scheduled_for=now - timedelta(days=7 * (i + 1)), status="held",
        rating=7, recorded_at=now) for i in range(n)])
    section = Section.objects.order_by("pk").first()
    Attendance.objects.bulk_create([Attendance(occurrence=o, function_id=ritual.owner_id)
                                    for o in held])
    Decision.objects.bulk_create([Decision(
        ritual=ritual, occurrence=o, text="Decided", owner_id=ritual.owner_id, section=section)
        for o in held])
    ActionItem.objects.bulk_create([ActionItem(
        ritual=ritual, occurrence=o, text="To do", owner=person, due=now.date())
        for o in held])


def _weeks_of_values(n):
    """``n`` closed weeks of a metric's values, each corrected once (by a person) and each
    week an off-track run raised and cleared."""
    metric = Metric.objects.filter(formula="", period="weekly").order_by("pk").first()
    weeks = insights_rules.closed_periods("weekly", timezone.localdate(), n)
    person = get_user_model().objects.create_user(username="sender")
    now = timezone.now()
    values = MetricValue.objects.bulk_create([MetricValue(
        metric=metric, period=week.key, starts=week.start, value=i, door="api",
        sent_by=person, sent_by_name="sender", source="warehouse") for i, week in
        enumerate(weeks)])
    ReplacedValue.objects.bulk_create([ReplacedValue(
        current=value, value=value.value + 1, door="ui", sent_by=person, sent_by_name="sender",
        replaced_at=now) for value in values])
    OffTrack.objects.bulk_create([OffTrack(
        metric=metric, since=week.key, latest=week.key, cleared_at=now, reason="back on track",
        noted_by=person) for week in weeks])
def _change_control(n):
    """``n`` proposals about sections, each commented on and reverting the one before,
    and ``n`` acknowledgements."""
    sections = list(Section.objects.order_by("pk")[:n])
    person = get_user_model().objects.get(username="doer")
    now = timezone.now()
    proposals = Proposal.objects.bulk_create([Proposal(
        kind="section", item_id=s.pk, item_label=s.title, base_version="1",
        base={"body": ""}, fields={"body": "Changed."}, reason="Because.", proposer=person,
        opened_at=now, door="ui") for s in sections])
    for before, proposal in itertools.pairwise(proposals):
        proposal.reverts = before
    Proposal.objects.bulk_update(proposals[1:], ["reverts"])
    Comment.objects.bulk_create([Comment(proposal=p, author=person, body="Agreed.", at=now,
                                         door="ui") for p in proposals])
    Acknowledgement.objects.bulk_create([Acknowledgement(
        kind="section", item_id=s.pk, version="1", person=person, at=now, door="ui")
        for s in sections])


def _queries(func):
    with CaptureQueriesContext(connection) as queries:
        result = func()
    return len(queries.captured_queries), result


def _exported(extra_runbooks):
    with transaction.atomic():
        _model(extra_runbooks)
        count, document = _queries(model_file.export_model)
        transaction.set_rollback(True)
    return count, document


def test_the_export_runs_the_same_queries_for_2_and_8_more_run_books():
    small, small_doc = _exported(2)
    large, large_doc = _exported(8)
    assert len(large_doc["runbooks"]) == len(small_doc["runbooks"]) + 6
    assert len(large_doc["decisions"]) == len(large_doc["action_items"]) == 8
    assert sum(len(v["history"]) for v in large_doc["metric_values"]) == 8
    assert len(large_doc["off_track_items"]) == 8
    assert len(large_doc["proposals"]) == len(large_doc["acknowledgements"]) == 8
    assert small == large, (small, large)


def test_the_import_runs_the_same_queries_for_2_and_8_more_run_books():
    counts = {}
    for extra in (2, 8):
        _, document = _exported(extra)
        with transaction.atomic():
            counts[extra], written = _queries(lambda d=document: model_file.import_model(
                document=d, actor=None, door="cli"))
            assert written["runbooks"] == len(document["runbooks"])
            assert Revision.objects.count() == written["revisions"]
            assert written["decisions"] == written["action_items"] == extra
            assert written["metric_values"] == written["off_track_items"] == extra
            assert ReplacedValue.objects.count() == extra
            assert written["proposals"] == written["acknowledgements"] == extra
            assert Comment.objects.count() == extra
            transaction.set_rollback(True)
    assert counts[2] == counts[8], counts


def test_the_streamed_export_is_the_same_document_in_batches_of_any_size(monkeypatch):
    _model(5)
    whole = json.loads("".join(model_file.export_chunks()))
    monkeypatch.setattr(export, "RUNBOOK_BATCH", 2)
    batched = json.loads("".join(model_file.export_chunks()))
    assert Runbook.objects.count() > 2 * 2
    whole.pop("exported_at"), batched.pop("exported_at")
    assert batched == whole


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
def test_a_streamed_export_outside_a_transaction_reads_one_snapshot_and_ends_it():
    """As the API's streamed response runs it: no request transaction around it, so the
    export opens its own (repeatable read, its first statement) and closes it."""
    _model(1)
    assert not connection.in_atomic_block
    document = json.loads("".join(model_file.export_chunks()))
    assert len(document["runbooks"]) == Runbook.objects.count()
    assert not connection.in_atomic_block
