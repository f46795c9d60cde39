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
version it is kept under. A cache that cannot be read or written only costs the
computation: the page is served either way."""

import hashlib
import json
import logging
from functools import wraps

from django.conf import settings
from django.core.cache import cache

from revops.models import AuditEntry

logger = logging.getLogger(__name__)


def model_version():
    """The newest audit entry's id (0 for a model nobody has changed): one index read."""
    return AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _key(func, kwargs, version):
    arguments = json.dumps(kwargs, sort_keys=True, default=_plain)
    digest = hashlib.blake2b(arguments.encode(), digest_size=12).hexdigest()
    return f"summary:{func.__module__}.{func.__qualname__}:{version}:{digest}"


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
