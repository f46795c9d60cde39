"""Shared fixtures. The same suite runs on SQLite with nothing installed and, when
``DATABASE_URL``/``REDIS_URL``/``CHROMIUM_PATH`` are set (as ``.ci/run`` does),
against real PostgreSQL, Redis and Chromium. With ``REVOPS_REQUIRE_SERVICES=1`` a
missing service fails the run instead of skipping its tests."""

import os
import shutil

import pytest
from django.conf import settings
from django.db import transaction

from revops.celery import app as celery_app
from tests.receiver import Receiver
from tests.smtp import SmtpServer

REQUIRE_SERVICES = os.environ.get("REVOPS_REQUIRE_SERVICES") == "1"
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")


def redis_url_for_this_worker():
    """Each xdist worker gets its own Redis database, so workers never steal tasks."""
    base = settings.REDIS_URL
    if not base:
        return None
    root, _, base_db = base.rpartition("/")
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
    return f"{root}/{int(base_db or 0) + 1 + worker}"


def pytest_configure(config):
    """Point Celery at this worker's Redis database before anything connects to it:
    Celery caches its producer pool and result backend on first use."""
    # The suite pins each page's queries: in this process the cache stays in memory, as
    # it was, and the shared cache (Redis or the database table) is tested across
    # processes (tests/core/test_shared_cache.py).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # Tests grow their data in bulk, without the audit entries that tell a kept
    # whole-model summary the model changed: the summaries are computed on every read,
    # and kept only where tests/overview/test_summaries.py says so.
    settings.REVOPS_SUMMARY_SECONDS = 0
    url = redis_url_for_this_worker()
    if url:
        settings.CELERY_BROKER_URL = settings.CELERY_RESULT_BACKEND = url
        celery_app.conf.update(broker_url=url, result_backend=url)


def pytest_report_header(config):
    db = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    return [
        f"revops: database={db} redis={settings.REDIS_URL or 'none (eager)'} "
        f"chromium={CHROMIUM or 'none'}",
    ]


def require_or_skip(available, what):
    if available:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"{what} is required in CI (REVOPS_REQUIRE_SERVICES=1) but missing")
    pytest.skip(f"{what} not available on this machine; .ci/run provides it")


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    """PBKDF2's deliberate slowness buys nothing in tests (the demo makes seven users)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _organisation_read_afresh():
    """Each test reads the organisation's settings from its own database state: the
    process's cache would otherwise carry a rolled-back test's change into the next."""
    from revops import organisation

    organisation.forget()
    yield
    organisation.forget()


@pytest.fixture(scope="module")
def demo_for_the_module(django_db_setup, django_db_blocker):
    """The demo operating model (``tests.demo``) for a module whose every test reads it
    (``pytestmark = pytest.mark.usefixtures("demo_for_the_module")``): loaded once, in a
    transaction rolled back after the module, so each test, its own writes rolled back by
    its test transaction, starts from the same demo. Not for transactional tests: they
    load it themselves."""
    from django.contrib.auth.models import Group

    from revops.defaults import ensure_defaults
    from revops.models import Function
    from tests import demo

    with django_db_blocker.unblock(), transaction.atomic():
        ensure_defaults(Function, Group)  # a transactional test run before may have flushed them
        demo.load()
        yield
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _default_functions(request):
    """Transactional tests flush the database, data migrations' rows included: put the
    six default functions and the leads group back for every test that uses the DB."""
    marker = request.node.get_closest_marker("django_db")
    names = set(request.fixturenames)
    if marker is None and not names & {"db", "transactional_db", "live_server"}:
        return
    transactional = bool(marker and marker.kwargs.get("transaction")) or bool(
        names & {"transactional_db", "live_server"}
    )
    request.getfixturevalue("transactional_db" if transactional else "db")
    from django.contrib.auth.models import Group

    from revops.defaults import ensure_defaults
    from revops.models import Function

    ensure_defaults(Function, Group)


@pytest.fixture(autouse=True)
def _eager_celery():
    """Tasks run in-process unless a test starts a real worker (see ``celery_worker``)."""
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER


@pytest.fixture(autouse=True)
def _fresh_cache():
    """An empty cache."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def celery_worker(transactional_db):
    """A real Celery worker thread consuming from the real Redis broker."""
    require_or_skip(settings.REDIS_URL, "Redis (REDIS_URL)")
    from celery.contrib.testing.worker import start_worker

    celery_app.conf.update(task_always_eager=False, task_ignore_result=False)
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield celery_app


@pytest.fixture
def receiver(settings):
    """A webhook receiver on loopback (``tests.receiver``), which this installation is
    told to trust (webhooks go to public https addresses otherwise)."""
    settings.REVOPS_WEBHOOK_ALLOW_HTTP = True
    settings.REVOPS_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    with Receiver() as running:
        yield running


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on loopback (``tests.smtp``) that this installation sends its
    e-mail to, instead of Django's in-memory outbox."""
    with SmtpServer() as running:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", running.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_TIMEOUT = 5
        yield running


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    require_or_skip(CHROMIUM, "Chromium")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
        ],
    }


@pytest.fixture
def screenshot(page, request):
    """Save a full-page screenshot under test-artifacts/ to look at by eye."""
    def take(name=None):
        os.makedirs("test-artifacts", exist_ok=True)
        path = f"test-artifacts/{name or request.node.name}.png"
        page.screenshot(path=path, full_page=True)
        return path

    return take


@pytest.fixture
def lead(db):
    from tests.factories import LeadFactory

    return LeadFactory(username="lead")


@pytest.fixture
def sales_head(db):
    from tests.factories import make_head

    return make_head("sales", "sales-head")


@pytest.fixture
def marketing_head(db):
    from tests.factories import make_head

    return make_head("marketing", "marketing-head")


@pytest.fixture
def viewer(db):
    from tests.factories import UserFactory

    return UserFactory(username="viewer")


@pytest.fixture
def api(db):
    """A DRF test client; ``api.as_user(user)`` signs it in."""
    from rest_framework.test import APIClient

    class Client(APIClient):
        def as_user(self, user):
            self.force_authenticate(user)
            return self

    return Client()


@pytest.fixture
def adherence_past(db):
    """Rituals with a hand-built past (``tests.cadence.factories.adherence_past``), and
    time frozen at ``ADHERENCE_NOW`` to count adherence against it."""
    import time_machine

    from tests.cadence.factories import ADHERENCE_NOW, adherence_past, at

    with time_machine.travel(at(7, 1), tick=False):
        adherence_past()
    with time_machine.travel(ADHERENCE_NOW, tick=False):
        yield
