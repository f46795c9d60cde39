#!/usr/bin/env bash
# Bounded load run: gunicorn (2 sync workers) on 127.0.0.1 only, `ab` from apache2-utils
# (apt-get install apache2-utils), the run-book page as the signed-in lead, 20 at once.
# Twice: a new database connection per request (DATABASE_CONN_MAX_AGE=0, as before),
# then the default (kept, health-checked). Uses DATABASE_URL like the other benchmarks;
# loads the demo (idempotent) into that database. Bounded: BENCH_REQUESTS requests
# (2,000 by default; 400 at the quick size) and at most 60 s per run.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v ab >/dev/null; then echo "load: skipped (no ab; apt-get install apache2-utils)"; exit 0; fi
size=${BENCH_SIZE:-quick}
requests=${BENCH_REQUESTS:-$([ "$size" = large ] && echo 2000 || echo 400)}
port=${BENCH_PORT:-8799}
export DEBUG=0 SECURE_SSL_REDIRECT=0 SESSION_COOKIE_SECURE=0 CSRF_COOKIE_SECURE=0 \
  SECURE_HSTS_SECONDS=0 SECRET_KEY=bench-only-secret-key-bench-only-secret-key-bench-only-0123456789 \
  ALLOWED_HOSTS=127.0.0.1 DJANGO_SETTINGS_MODULE=revops.settings
.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python manage.py load_demo >/dev/null
.venv/bin/python manage.py collectstatic --noinput -v0
session=$(.venv/bin/python manage.py shell -v0 -c "
from django.contrib.auth import get_user_model, HASH_SESSION_KEY, SESSION_KEY, BACKEND_SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
u = get_user_model().objects.get(username='lead'); s = SessionStore()
s[SESSION_KEY] = str(u.pk); s[BACKEND_SESSION_KEY] = 'django.contrib.auth.backends.ModelBackend'
s[HASH_SESSION_KEY] = u.get_session_auth_hash(); s.create(); print(s.session_key)")
echo
echo "== load: gunicorn 2 workers, /runbook/ as the lead, 20 concurrent, $requests requests — $(.venv/bin/python -c 'import os,sys; sys.path.insert(0,"."); os.environ.setdefault("DJANGO_SETTINGS_MODULE","revops.settings"); import django; django.setup(); from django.db import connection; print(connection.vendor)')"
for age in 0 default; do
  if [ "$age" = default ]; then unset DATABASE_CONN_MAX_AGE; else export DATABASE_CONN_MAX_AGE=$age; fi
  .venv/bin/gunicorn revops.wsgi:application --bind 127.0.0.1:$port --workers 2 \
    --log-level warning --pid /tmp/bench-gunicorn-$port.pid &
  gunicorn_pid=$!
  for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$port/accounts/login/" && break; sleep 0.2; done
  ab -q -n 50 -c 5 -C "sessionid=$session" "http://127.0.0.1:$port/runbook/" >/dev/null  # warm
  out=$(ab -q -t 60 -n "$requests" -c 20 -C "sessionid=$session" "http://127.0.0.1:$port/runbook/")
  kill "$gunicorn_pid"; wait "$gunicorn_pid" 2>/dev/null || true
  rps=$(awk '/Requests per second/ {print $4}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out"); p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  failed=$(awk '/Failed requests/ {print $3}' <<<"$out"); non2xx=$(awk '/Non-2xx/ {print $3}' <<<"$out")
  printf "CONN_MAX_AGE=%-8s %8s req/s   p50 %4s ms   p99 %4s ms   failed %s   non-2xx %s\n" \
    "$age" "$rps" "$p50" "$p99" "$failed" "${non2xx:-0}"
done
