"""The API throttle and the sign-in lock-out hold across processes: two web servers
against the same database (and Redis, when configured) count the same requests and the
same failed sign-ins. In one process each gunicorn worker had its own throttle
(LocMemCache), so N workers allowed N times the rate (issue 29)."""

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request
from contextlib import ExitStack

import pytest
from django.db import connection

from revops import services as core_services
from revops.models import ApiToken, Door
from tests import services as real
from tests.conftest import require_or_skip

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

RATE = 6


@pytest.fixture(autouse=True)
def _postgresql():
    # Two processes share a database only on a server; SQLite's test database is memory.
    require_or_skip(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")


def _status(url, token):
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


@pytest.mark.parametrize("cache", ["database", "redis"])
def test_two_processes_share_one_throttle(settings, lead, cache):
    env = {"API_THROTTLE_RATE": f"{RATE}/min"}
    if cache == "database":
        env["REDIS_URL"] = ""
    else:
        require_or_skip(settings.REDIS_URL, "Redis (REDIS_URL)")
    _, token = core_services.api_token_create(actor=None, door=Door.CLI, user=lead,
                                              name="throttle", scope=ApiToken.Scope.READ)
    with ExitStack() as stack:
        servers = [stack.enter_context(real.web_server(**env)) for _ in range(2)]
        statuses = [_status(f"{servers[n % 2]}/api/v1/functions/", token)
                    for n in range(2 * RATE)]
    assert statuses[:RATE] == [200] * RATE
    assert statuses[RATE:] == [429] * RATE  # each process alone would have allowed these


def _sign_in(server, username, password):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(f"{server}/accounts/login/", timeout=30) as response:
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"',
                         response.read().decode()).group(1)
    body = urllib.parse.urlencode({"username": username, "password": password,
                                   "csrfmiddlewaretoken": csrf}).encode()
    request = urllib.request.Request(f"{server}/accounts/login/", data=body,
                                     headers={"Referer": f"{server}/accounts/login/"})
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, response.geturl()
    except urllib.error.HTTPError as exc:
        return exc.code, None


def test_a_lock_out_earned_on_one_process_holds_on_the_other(settings, lead):
    lead.set_password("right-password-2026")
    lead.save()
    with ExitStack() as stack:
        servers = [stack.enter_context(real.web_server(REDIS_URL="")) for _ in range(2)]
        for n in range(settings.AXES_FAILURE_LIMIT):
            _sign_in(servers[n % 2], lead.username, "wrong")
        status, _ = _sign_in(servers[1], lead.username, "right-password-2026")
    assert status == 429
