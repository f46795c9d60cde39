"""Benchmark: the whole-model cross-check on the pages that show it (the dashboard, the
RACI page, the Friday test, the first-week page) as the run books grow.

Loads the demo, then adds run books in bulk (six sections each, owners rotated over the
functions so that most layer sections are owned off their layer, as in a large model
that drifted). Each page is fetched as the lead; it prints the median time, the queries
and the HTML size at each size. On a scratch database (committed rows), dropped after.

    .venv/bin/python bench/cross_checks.py            # BENCH_SIZE=quick: 0, 300, 1,500 run books
    BENCH_SIZE=large .venv/bin/python bench/cross_checks.py   # up to 16,700 run books
"""

import io
import itertools
from contextlib import redirect_stdout

from common import REPEATS, SIZE, header, measure, median, scratch_database
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client, override_settings

from overview import lint
from revops.models import Function
from runbook.models import Runbook, Section, SectionKind

PAGES = [("dashboard", "/"), ("RACI page", "/raci/"), ("readiness", "/readiness/"),
         ("first week", "/start/"), ("API lint", "/api/v1/lint/")]
SIZES = {"quick": (0, 300, 1500), "large": (0, 1500, 16700)}[SIZE]
_names = itertools.count()


def add_runbooks(n):
    functions = list(Function.objects.order_by("pk"))
    books = Runbook.objects.bulk_create(
        [Runbook(title=f"Bench run book {next(_names):06d}") for _ in range(n)])
    books = Runbook.objects.filter(title__in=[b.title for b in books])
    rotate = itertools.cycle(functions)
    Section.objects.bulk_create(
        [Section(runbook=b, kind=kind, position=i, title=SectionKind(kind).label,
                 owner=next(rotate), revision=0)
         for b in books for i, kind in enumerate(SectionKind.values)], batch_size=2000)


@override_settings(STORAGES={
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
})
def run():
    with redirect_stdout(io.StringIO()):
        call_command("load_demo", verbosity=0)
    client = Client()
    client.force_login(get_user_model().objects.get(username="lead"))
    print(f"{'run books':>9} {'page':<12} {'ms':>8} {'queries':>8} {'KB':>8}")
    made = 0
    for size in SIZES:
        add_runbooks(size - made)
        made = size
        for label, path in PAGES:
            runs = [measure(lambda p=path: client.get(p)) for _ in range(REPEATS)]
            response = runs[-1][2]
            assert response.status_code == 200, (path, response.status_code)
            print(f"{size:>9} {label:<12} {median([r[0] for r in runs]) * 1000:8.0f} "
                  f"{runs[-1][1]:>8} {len(response.content) / 1024:8.1f}")
        for label, call in (("summary()", lint.summary), ("findings()", lint.findings)):
            runs = [measure(call) for _ in range(REPEATS)]
            print(f"{size:>9} {label:<12} {median([r[0] for r in runs]) * 1000:8.0f} "
                  f"{runs[-1][1]:>8} {'':>8}")


def main():
    header("cross-checks on the pages that show them")
    with scratch_database():
        run()


if __name__ == "__main__":
    main()
