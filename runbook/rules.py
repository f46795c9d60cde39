"""The staleness rule (docs/design.md, "Staleness"), as pure functions of dates.

A section last reviewed on ``r`` is, on ``t``, with ``d = q(t) - q(r)`` fiscal quarters
between them and a threshold of ``N`` quarters: ``fresh`` when ``d < N``, ``due`` when
``d == N`` and ``stale`` when ``d > N``; never reviewed at all is ``never``.

The set-based scan in SQL uses the equivalent cut-off dates below, so the database and
this module always agree: stale iff ``r < stale_cutoff(t)``, due iff
``stale_cutoff(t) <= r < due_cutoff(t)``.
"""

from datetime import timedelta

from django.conf import settings

from revops import fiscal
from runbook.choices import ReviewState


def _settings(threshold, start_month):
    if threshold is None:
        threshold = settings.REVOPS_STALE_AFTER_QUARTERS
    if start_month is None:
        start_month = fiscal.start_month()
    return threshold, start_month


def review_state(last_reviewed_on, today, *, threshold=None, start_month=None):
    """``fresh``, ``due``, ``stale`` or ``never`` for a section last reviewed on a date."""
    threshold, start_month = _settings(threshold, start_month)
    if last_reviewed_on is None:
        return ReviewState.NEVER
    elapsed = fiscal.quarter_index(today, start_month) - fiscal.quarter_index(
        last_reviewed_on, start_month
    )
    if elapsed < threshold:
        return ReviewState.FRESH
    if elapsed == threshold:
        return ReviewState.DUE
    return ReviewState.STALE


def stale_cutoff(today, *, threshold=None, start_month=None):
    """Reviews before this date are stale on ``today``: the first day of quarter q(t) - N."""
    threshold, start_month = _settings(threshold, start_month)
    return fiscal.quarter_start(fiscal.quarter_index(today, start_month) - threshold, start_month)


def due_cutoff(today, *, threshold=None, start_month=None):
    """Reviews before this date (and not stale) are due: the first day of q(t) - N + 1."""
    threshold, start_month = _settings(threshold, start_month)
    return fiscal.quarter_start(
        fiscal.quarter_index(today, start_month) - threshold + 1, start_month
    )


def counts_as_stale(state):
    """Never-reviewed sections count as stale (they get flagged too)."""
    return state in (ReviewState.STALE, ReviewState.NEVER)


# Escalation ------------------------------------------------------------------------------


def escalation_cutoff(today, *, after_days=None):
    """Flags raised on or before this date are escalated on ``today``: a section still
    stale ``after_days`` (``REVOPS_ESCALATE_AFTER_DAYS``) days after its flag opened."""
    if after_days is None:
        after_days = settings.REVOPS_ESCALATE_AFTER_DAYS
    return today - timedelta(days=after_days)


def escalation_target(*, kind, owner_id, accountable, fallback):
    """Whom a stale section of ``kind`` owned by ``owner_id`` is escalated to: the
    function Accountable for its kind (``accountable``: ``{kind: function id}``), or
    ``fallback`` (RevOps, whose people are the leads) when that is the owner itself or
    when nobody is Accountable for the kind."""
    target = accountable.get(kind)
    if target is None or target == owner_id:
        return fallback
    return target
