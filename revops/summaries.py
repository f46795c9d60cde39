"""Whole-model summaries read from the shared cache until the model changes.

A few reads aggregate over every section of the model (the readiness report's run-book
checks, the cross-checks' counts, the dashboard's review panel): a fixed number of
queries, but each reads 100,000 rows in a large model, on every dashboard view. Their
result only changes when the model does, and every change to the model writes an audit
entry (the services audit through every door: browser, API, console, import, tasks), so
the newest audit entry's id is the model's version: a summary is kept in the cache under
the version it was computed at, and the first read after a change computes it afresh.
Dates are part of the key (a section goes stale at midnight without anyone touching it).

Two edges, both bounded by ``REVOPS_SUMMARY_SECONDS`` (how long a summary is kept at
most): two writes committing in the other order than their audit ids were drawn (the
later id committed first), and a write made outside the services (a shell, SQL). The
version is read before the summary is computed, so a summary is never older than the
version it is kept under. The key also holds the running code's digest and the settings
a summary reads (a deploy may change what a summary holds, and an old shape read back
would break the page), so a deploy starts afresh. A cache that cannot be read or written
only costs the computation: the page is served either way."""

import hashlib
import json
import logging
from functools import cache as once
from functools import wraps
from pathlib import Path

import django
from django.apps import apps
from django.conf import settings
from django.core.cache import cache

from revops.models import AuditEntry

logger = logging.getLogger(__name__)


def model_version():
    """The newest audit entry's id (0 for a model nobody has changed): one index read."""
    return AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


@once
def code_version():
    """A digest of the project's apps' Python code, Django's version and the settings
    summaries read: the same in every process of one deploy, another after any change."""
    digest = hashlib.blake2b(django.get_version().encode(), digest_size=8)
    root = Path(settings.BASE_DIR)
    for app in apps.get_app_configs():
        path = Path(app.path)
        if path.is_relative_to(root) and "site-packages" not in path.parts:
            for source in sorted(path.rglob("*.py")):
                digest.update(str(source.relative_to(root)).encode())
                digest.update(source.read_bytes())
    digest.update(str(settings.REVOPS_STALE_AFTER_QUARTERS).encode())
    return digest.hexdigest()


def _key(func, kwargs, version):
    arguments = json.dumps(kwargs, sort_keys=True, default=_plain)
    digest = hashlib.blake2b(arguments.encode(), digest_size=12).hexdigest()
    return (f"summary:{code_version()}:{func.__module__}.{func.__qualname__}:{version}:"
            f"{digest}")


def _plain(value):
    """Arguments as JSON: sets in order, dates and the rest as text."""
    return sorted(value, key=str) if isinstance(value, set | frozenset) else str(value)


def summary(func):
    """Keep ``func``'s result (called with keyword arguments only, each JSON-able or a
    set or a date) in the cache under the model's version and the arguments. The result
    must pickle: counts, labels, plain rows or model instances."""

    @wraps(func)
    def remembered(**kwargs):
        seconds = settings.REVOPS_SUMMARY_SECONDS
        if not seconds:
            return func(**kwargs)
        key = _key(func, kwargs, model_version())
        try:
            found = cache.get(key)
        except Exception as exc:  # noqa: BLE001 - each cache backend fails its own way
            logger.warning("summary: the cache cannot be read (%s)", type(exc).__name__)
            return func(**kwargs)
        if found is not None:
            return found
        result = func(**kwargs)
        try:
            cache.set(key, result, seconds)
        except Exception as exc:  # noqa: BLE001 - as above
            logger.warning("summary: the cache cannot be written (%s)", type(exc).__name__)
        return result

    return remembered
