"""Bounded load run: gunicorn on loopback against PostgreSQL, N concurrent clients for a
fixed time; prints requests/s, p50/p99 and errors.

Two mixes: ``api`` (the default) mixes API reads and reviews, then counts the rows the
writes made (none may be lost); ``pages`` reads the whole-model pages as the signed-in
lead (the dashboard, readiness, first week, run books, RACI, cadence, the readiness
API) — the pages that held both workers when every request checked the whole model.
``--sections N`` first grows the demo to N sections in bulk (``large_model.grow_to``,
committed), so the same mix can be compared at the demo's size and at a large model.

Needs DATABASE_URL pointing at a PostgreSQL database this run may fill (it migrates it
and loads the demo). Only 127.0.0.1 is ever contacted. Set REDIS_URL as in production:
the workers share the kept summaries through it.

    DATABASE_URL=postgres://… .venv/bin/python bench/load_mixed.py [--clients 20]
        [--seconds 60] [--workers 2] [--mix api|pages] [--sections 100000]

``--goal`` (what ``make bench`` runs) does it twice on scratch databases of its own —
the demo, then the demo grown to the benchmark's size — and prints issue 28's goal.
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "revops.settings")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from revops import services  # noqa: E402
from revops.models import ApiToken, Door  # noqa: E402
from runbook.models import Review, Section  # noqa: E402

PAGES = ["/", "/readiness/", "/start/", "/runbook/", "/raci/", "/cadence/",
         "/api/v1/readiness/"]


def _prepare(sections):
    call_command("migrate", verbosity=0)
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    if sections:
        from large_model import grow_to

        grow_to(sections)
    # Grown in bulk, without the audit entries a service writes (and a scratch database
    # starts its audit ids where another one did): summaries kept under the same version
    # of another model would be read.
    cache.clear()
    from django.contrib.auth import get_user_model

    lead = get_user_model().objects.get(username="lead")
    _, token = services.api_token_create(actor=None, door=Door.CLI, user=lead,
                                         name="load run", scope=ApiToken.Scope.WRITE)
    return lead, token, list(Section.objects.values_list("pk", flat=True)[:1000])


def _session_of(user):
    """A signed-in session for ``user``, as the login view of the server started here
    (its ``SECRET_KEY`` signs the session and the user's hash) would store it."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import override_settings

    with override_settings(SECRET_KEY=PRODUCTION["SECRET_KEY"]):
        session = SessionStore()
        session.update({SESSION_KEY: str(user.pk),
                        BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
                        HASH_SESSION_KEY: user.get_session_auth_hash()})
        session.create()
    return session.session_key


PRODUCTION = {"DEBUG": "0", "SECRET_KEY": "load-run-" + "x" * 50, "ALLOWED_HOSTS": "127.0.0.1",
              "SECURE_SSL_REDIRECT": "0", "SESSION_COOKIE_SECURE": "0",
              "CSRF_COOKIE_SECURE": "0", "SECURE_HSTS_SECONDS": "0",
              "API_THROTTLE_RATE": "1000000/min"}


def _gunicorn(port, workers):
    env = {**os.environ, **PRODUCTION}
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
                   cwd=ROOT, env=env, check=True)
    process = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "revops.wsgi", "-b", f"127.0.0.1:{port}",
         "-w", str(workers), "--log-level", "warning"], cwd=ROOT, env=env)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=1)
            return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    sys.exit("gunicorn did not start")


def _api_request(base, headers, sections, rng):
    roll = rng.random()
    if roll < 0.6:
        return "read", urllib.request.Request(f"{base}/api/v1/sections/?page_size=50",
                                              headers=headers)
    if roll < 0.8:
        return "read", urllib.request.Request(f"{base}/api/v1/readiness/", headers=headers)
    return "write", urllib.request.Request(
        f"{base}/api/v1/sections/{rng.choice(sections)}/reviews/",
        data=json.dumps({"note": "load run"}).encode(), headers=headers, method="POST")


def _page_request(base, headers, sections, rng):
    return "read", urllib.request.Request(f"{base}{rng.choice(PAGES)}", headers=headers)


def _client(base, headers, make_request, sections, until, results, rng):
    while time.monotonic() < until:
        kind, request = make_request(base, headers, sections, rng)
        began = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                response.read()
                # A redirect (to the sign-in page) is followed by urllib: not an answer.
                ok = response.status < 400 and response.url == request.full_url
        except (urllib.error.URLError, OSError):
            ok = False
        results.append((kind, ok, time.perf_counter() - began))


@dataclass
class Run:
    requests: int
    per_second: float
    errors: int
    p50: float
    p99: float
    lost: int


def load_run(*, mix, sections, clients, seconds, workers):
    """One run against the database Django is set up on: its figures, printed."""
    lead, token, section_ids = _prepare(sections)
    if mix == "pages":
        headers, make_request = {"Cookie": f"sessionid={_session_of(lead)}"}, _page_request
    else:
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        make_request = _api_request
    reviews_before = Review.objects.count()
    port = 8000 + random.randrange(1000, 2000)
    server = _gunicorn(port, workers)
    results = []
    try:
        # Warm every worker (its first request imports the URL conf, ~2 s) and the kept
        # summaries; not counted.
        _client(f"http://127.0.0.1:{port}", headers, _page_request, section_ids,
                time.monotonic() + 10, [], random.Random(-1))
        until = time.monotonic() + seconds
        threads = [
            threading.Thread(target=_client, args=(f"http://127.0.0.1:{port}", headers,
                                                   make_request, section_ids, until, results,
                                                   random.Random(i)))
            for i in range(clients)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        server.terminate()
        server.wait(timeout=30)
    latencies = sorted(elapsed for _, _, elapsed in results)
    writes_ok = sum(1 for kind, ok, _ in results if kind == "write" and ok)
    run = Run(requests=len(results), per_second=len(results) / seconds,
              errors=sum(1 for _, ok, _ in results if not ok),
              p50=statistics.median(latencies), p99=latencies[int(len(latencies) * 0.99) - 1],
              lost=writes_ok - (Review.objects.count() - reviews_before))
    said = ("the whole-model pages as the lead" if mix == "pages"
            else "60 % section list, 20 % readiness, 20 % reviews")
    print(f"gunicorn {workers} workers, {clients} clients, {seconds} s ({said}), "
          f"{Section.objects.count():,} sections, load average {os.getloadavg()[0]:.1f}")
    print(f"requests: {run.requests}  ({run.per_second:.1f}/s)  errors: {run.errors}")
    print(f"latency p50 {run.p50 * 1000:.0f} ms  p99 {run.p99 * 1000:.0f} ms")
    if mix == "api":
        print(f"reviews answered 201: {writes_ok}  lost: {run.lost}")
    return run


def goal(*, mix, clients, seconds, workers):
    """Issue 28's goal: the same mix at the demo's size and grown to the benchmark's size
    (``BENCH_SIZE``: 3,000 sections, or 100,000 when large), each on a scratch database
    of its own; at the large size, at least half the demo's throughput and a p99 under
    1 s. Prints the goal's line (``large_model.goal``)."""
    from common import scratch_database
    from large_model import SECTIONS
    from large_model import goal as print_goal

    runs = {}
    for size in (0, SECTIONS):
        with scratch_database(f"_mixed{size}"):
            db = connection.settings_dict
            os.environ["DATABASE_URL"] = (f"postgres://{db['USER']}:{db['PASSWORD']}@"
                                          f"{db['HOST']}:{db['PORT']}/{db['NAME']}")
            runs[size] = load_run(mix=mix, sections=size, clients=clients, seconds=seconds,
                                  workers=workers)
    small, large = runs[0], runs[SECTIONS]
    share = large.per_second / small.per_second
    print_goal(f"mixed load ({mix}) at {SECTIONS:,} sections: half the demo's throughput, "
               f"p99 under 1 s",
               f"{large.per_second:.1f} vs {small.per_second:.1f} req/s = {share:.0%}, p99 "
               f"{large.p99 * 1000:.0f} ms (demo {small.p99 * 1000:.0f} ms), errors "
               f"{large.errors}, lost {large.lost}",
               (share >= 0.5 and large.p99 < 1 and not large.errors and not large.lost)
               if SECTIONS >= 100_000 else None)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--mix", choices=["api", "pages"], default="api")
    parser.add_argument("--sections", type=int, default=0)
    parser.add_argument("--goal", action="store_true",
                        help="the mix at the demo's size and at BENCH_SIZE's, on scratch "
                             "databases, judged against issue 28's goal")
    args = parser.parse_args()
    if connection.vendor != "postgresql" and args.goal:
        print("mixed load: skipped (it needs PostgreSQL: set DATABASE_URL=postgres://…)")
        return
    if connection.vendor != "postgresql":
        sys.exit("load_mixed.py needs PostgreSQL: set DATABASE_URL=postgres://…")
    if args.goal:
        goal(mix=args.mix, clients=args.clients, seconds=args.seconds, workers=args.workers)
    else:
        load_run(mix=args.mix, sections=args.sections, clients=args.clients,
                 seconds=args.seconds, workers=args.workers)


if __name__ == "__main__":
    main()
