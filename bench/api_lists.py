"""Benchmark: the hot API lists against the raw ORM floor, in the same process.

For each of ``/raci/rows/``, ``/occurrences/``, ``/rituals/`` and ``/sections/`` it
builds 500 rows (``BENCH_SIZE=large``: the same, the page size caps at 500), then
times ``GET …?page_size=500`` through the whole Django stack with a bearer token
(middleware, authentication, throttle, pagination, serialization) against the floor:
``JsonResponse`` of ``.values()`` of the same rows' own columns, called directly.
Also a 10-row page, to show the fixed cost of one request.

    .venv/bin/python bench/api_lists.py
"""

import datetime as dt
import time

from common import REPEATS, header, measure, median, rolled_back
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.http import JsonResponse
from django.test import Client
from django.utils import timezone

from cadence.models import Occurrence, Ritual
from raci.models import Cell, Matrix, Row
from revops.defaults import LEADS_GROUP
from revops.models import ApiToken, Function, Layer
from runbook.models import Runbook, Section, SectionKind

ROWS = 500
LOOPS = 5  # calls per sample: one sample is the median call of LOOPS


def build():
    functions = list(Function.objects.order_by("position"))
    matrix = Matrix.objects.create(title="Bench matrix")
    rows = Row.objects.bulk_create([
        Row(matrix=matrix, layer=Layer.values[i % 4], name=f"Activity {i}",
            description="What is decided, by whom, when." * 2, position=i,
            accountable=functions[i % 6], accountable_also_responsible=i % 5 == 0)
        for i in range(ROWS)
    ])
    Cell.objects.bulk_create([
        Cell(row=r, function=f, letter="RCI"[(i + j) % 3], accountable=r.accountable)
        for i, r in enumerate(rows) for j, f in enumerate(functions)
        if f.pk != r.accountable_id and (i + j) % 4
    ])
    runbooks = Runbook.objects.bulk_create(
        [Runbook(title=f"Bench run book {i}") for i in range(-(-ROWS // 6))])
    sections = Section.objects.bulk_create([
        Section(runbook=r, kind=k, position=p, title=SectionKind(k).label,
                owner=functions[p], revision=1,
                last_reviewed_on=dt.date(2026, 1, 1) if (i + p) % 2 else None)
        for i, r in enumerate(runbooks) for p, k in enumerate(SectionKind.values)
    ][:ROWS])
    rules = ["FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0",
             "FREQ=MONTHLY;BYDAY=+1TU;BYHOUR=14;BYMINUTE=0",
             "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=8;BYMINUTE=30",
             "FREQ=MONTHLY;INTERVAL=3;BYDAY=+2WE;BYHOUR=10;BYMINUTE=0"]
    horizons = ["weekly", "monthly", "daily", "quarterly"]
    rituals = Ritual.objects.bulk_create([
        Ritual(name=f"Bench ritual {i:04d}", horizon=horizons[i % 4], layer="process",
               owner=functions[i % 6], output="notes", output_section=sections[i],
               rrule=rules[i % 4], timezone="Europe/London", agenda="1. Numbers",
               agenda_html="<ol><li>Numbers</li></ol>")
        for i in range(ROWS)
    ])
    Ritual.attendees.through.objects.bulk_create([
        Ritual.attendees.through(ritual=r, function=f)
        for i, r in enumerate(rituals) for f in functions[: 1 + i % 3]
    ])
    start = timezone.now().replace(microsecond=0)
    occurrences = Occurrence.objects.bulk_create([
        Occurrence(ritual=rituals[i % 50], scheduled_for=start + dt.timedelta(hours=i),
                   status="held" if i % 3 == 0 else "scheduled",
                   notes="Went well" if i % 3 == 0 else "")
        for i in range(ROWS)
    ])
    Occurrence.reviewed_sections.through.objects.bulk_create([
        Occurrence.reviewed_sections.through(occurrence=o, section=sections[i])
        for i, o in enumerate(occurrences) if i % 3 == 0
    ])
    user = get_user_model().objects.create_user("bench-lead", "lead@bench.example")
    user.groups.add(Group.objects.get(name=LEADS_GROUP))
    token, raw = ApiToken.issue(user=user, name="bench", scope=ApiToken.Scope.READ)
    token.save()
    return raw


# (label, path, floor queryset, the columns the floor returns)
ENDPOINTS = [
    ("raci rows", "/api/v1/raci/rows/",
     lambda: Row.objects.order_by("position"),
     ["id", "matrix_id", "layer", "name", "description", "position", "accountable_id"]),
    ("occurrences", "/api/v1/occurrences/",
     lambda: Occurrence.objects.order_by("scheduled_for", "id"),
     ["id", "ritual_id", "scheduled_for", "status", "notes", "notes_html", "recorded_at"]),
    ("rituals", "/api/v1/rituals/",
     lambda: Ritual.objects.order_by("name", "id"),
     ["id", "name", "horizon", "layer", "owner_id", "duration_minutes", "output",
      "output_section_id", "rrule", "timezone", "active", "agenda", "purpose",
      "owner_person_id", "agenda_html", "reminder_lead", "grace", "sequence",
      "created_at", "updated_at"]),
    ("sections", "/api/v1/sections/",
     lambda: Section.objects.order_by("runbook_id", "position"),
     ["id", "runbook_id", "kind", "position", "title", "owner_id", "revision",
      "last_reviewed_at", "last_reviewed_on", "last_reviewed_by_id",
      "last_reviewed_revision"]),
]


def sample(func):
    times = []
    for _ in range(LOOPS):
        began = time.perf_counter()
        func()
        times.append(time.perf_counter() - began)
    return median(times)


def run():
    raw = build()
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    print(f"{'list':<12} {'rows':>5} {'API':>9} {'floor':>9} {'ratio':>7} {'queries':>8}")
    for label, path, queryset, columns in ENDPOINTS:
        for size in (ROWS, 10):
            def api(path=path, size=size):
                response = client.get(path, {"page_size": size})
                assert response.status_code == 200, response.content[:300]
                return response

            def floor(queryset=queryset, columns=columns, size=size):
                return JsonResponse({"results": list(queryset().values(*columns)[:size])})

            api()  # warm: first-call costs (URL resolving, schema of serializers) excluded
            apis, floors = [], []
            for _ in range(REPEATS):
                apis.append(sample(api))
                floors.append(sample(floor))
            _, queries, response = measure(api)
            assert len(response.json()["results"]) == size
            a, f = median(apis), median(floors)
            print(f"{label:<12} {size:>5} {a * 1000:7.1f}ms {f * 1000:7.1f}ms {a / f:6.1f}× "
                  f"{queries:>8}")


def main():
    header(f"API lists vs .values() + JsonResponse ({LOOPS} calls per sample)")
    with rolled_back():
        run()


if __name__ == "__main__":
    main()
