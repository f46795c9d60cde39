"""Benchmark: export and import of a model file holding five years of daily history.

Builds the hybrid template, then back-dates its rituals five years and lays down their
recorded occurrences (mostly held, some skipped or missed, with notes), ~30 revisions and
~20 reviews per section, quarterly releases and sign-offs, and every weekly metric's
value for each of those weeks (one in ten corrected, an off-track run each quarter) —
bulk inserts, since only the size matters here. Exports it, rolls the model back (an
empty installation again), imports the file, exports again and checks the two documents
are equal. Everything runs in one transaction that is rolled back: the database is left
as it was.

    .venv/bin/python bench/model_file.py [--years 5]
"""

import argparse
import json
from datetime import timedelta

from common import measure, rolled_back
from django.db import connection, transaction
from django.utils import timezone

from cadence.models import Occurrence, Ritual, Status
from insights import rules as insights_rules
from insights.models import Metric, MetricValue, OffTrack, ReplacedValue
from overview import bootstrap, model_file
from raci.models import Matrix, SignOff
from revops.models import Function
from runbook.models import Release, ReleaseSection, Review, Revision, Section


def timed(label, func):
    seconds, queries, result = measure(func)
    print(f"{label:<28} {seconds:7.2f} s  {queries:6d} queries")
    return result


def history(years):
    now = timezone.now()
    start = now - timedelta(days=365 * years)
    for ritual in Ritual.objects.all():
        Ritual.objects.filter(pk=ritual.pk).update(schedule_start=start, created_at=start)
        ritual.refresh_from_db()
        times = ritual.schedule().between(start, now)
        statuses = [Status.HELD] * 7 + [Status.SKIPPED, Status.MISSED]
        Occurrence.objects.bulk_create([
            Occurrence(ritual=ritual, scheduled_for=t, status=statuses[n % len(statuses)],
                       notes=f"Held; {n % 5} follow-ups." if n % 9 < 7 else "",
                       recorded_at=t + timedelta(hours=1) if n % 9 < 8 else None)
            for n, t in enumerate(times)], batch_size=2000, ignore_conflicts=True)
    for section in Section.objects.all():
        base = section.revision
        Revision.objects.bulk_create([
            Revision(section=section, number=base + k, base_number=base + k - 1,
                     body=f"## Draft {k}\n\nWhat changed this quarter, in prose. " * 20,
                     summary=f"Quarterly refresh {k}", created_at=start + timedelta(days=60 * k),
                     door="ui") for k in range(1, 31)])
        Section.objects.filter(pk=section.pk).update(revision=base + 30)
        Review.objects.bulk_create([
            Review(section=section, revision_number=base + k, reviewed_at=start
                   + timedelta(days=60 * k + 1), reviewed_on=(start + timedelta(days=60 * k + 1))
                   .date(), door="ui", note="Still true.") for k in range(1, 21)])
    for book_sections in (Section.objects.filter(runbook=b) for b in {
            s.runbook for s in Section.objects.select_related("runbook")}):
        book = book_sections[0].runbook
        for n in range(1, 21):
            release = Release.objects.create(runbook=book, number=n, name=f"Refresh {n}",
                                             created_at=start + timedelta(days=91 * n))
            ReleaseSection.objects.bulk_create([ReleaseSection(
                release=release, section=s, revision=Revision.objects.get(section=s, number=n),
                review_state="fresh") for s in book_sections])
    matrix = Matrix.objects.get(is_current=True)
    SignOff.objects.bulk_create([SignOff(matrix=matrix, function=f, version=matrix.version,
                                         signed_by_name="bench")
                                 for f in Function.objects.all()])


def scorecard(years):
    now = timezone.now()
    weeks = insights_rules.closed_periods("weekly", now.date(), 52 * years)
    for metric in Metric.objects.filter(formula="", period="weekly"):
        values = MetricValue.objects.bulk_create([MetricValue(
            metric=metric, period=week.key, starts=week.start, value=20 + n % 13, door="api",
            source="Warehouse nightly sync", sent_at=now) for n, week in enumerate(weeks)],
            batch_size=2000)
        ReplacedValue.objects.bulk_create([ReplacedValue(
            current=value, value=value.value + 1, door="api", source="Warehouse nightly sync",
            sent_at=now, replaced_at=now) for value in values[::10]], batch_size=2000)
        OffTrack.objects.bulk_create([OffTrack(
            metric=metric, since=week.key, latest=week.key, raised_at=now, cleared_at=now,
            reason="back on track") for week in weeks[::13]])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--years", type=int, default=5)
    args = parser.parse_args()
    print(f"database: {connection.vendor}")
    with rolled_back():
        point = transaction.savepoint()
        bootstrap.bootstrap(motion="hybrid", actor=None, door="cli")
        history(args.years)
        scorecard(args.years)
        print(f"occurrences: {Occurrence.objects.count()}, "
              f"revisions: {Revision.objects.count()}, reviews: {Review.objects.count()}, "
              f"metric values: {MetricValue.objects.count()}")
        exported = timed("export", model_file.export_model)
        text = timed("  json.dumps", lambda: json.dumps(exported))
        print(f"file size: {len(text) / 1e6:.1f} MB")
        transaction.savepoint_rollback(point)
        document = json.loads(text)
        timed("import (check + write)", lambda: model_file.import_model(
            document=document, actor=None, door="cli"))
        again = model_file.export_model()
        equal = ({k: v for k, v in json.loads(json.dumps(again)).items() if k != "exported_at"}
                 == {k: v for k, v in json.loads(text).items() if k != "exported_at"})
        print(f"round trip equal: {equal}")


if __name__ == "__main__":
    main()
