"""The dashboard's run-book panels: sections that are stale, never reviewed or due, and
readers' open concerns."""

from django.db.models import Case, Count, IntegerField, Value, When

from revops.summaries import summary
from runbook import selectors
from runbook.models import ReviewState

LIMIT = 8
# What the kept queue leaves out of the people it joins: the shared cache holds no
# password hash or address (the panel names people, nothing more).
KEPT_OUT = [f"{person}__{field}" for person in ("owner__head", "owner__deputy", "last_reviewed_by")
            for field in ("password", "email")]


def panel(*, user, today):
    """The panel, the same for every reader: ``_review_queue``."""
    return {"title": "Run book: sections to review",
            "template": "runbook/_dashboard_panel.html", **_review_queue(today=today)}


@summary
def _review_queue(*, today):
    """Three queries whatever the number of sections: the most urgent few, the counts
    per state, and how many run books the live model has (none: the panel says so and
    leads to setup; several: each section is named with its run book); kept until the
    model changes (``revops.summaries``)."""
    needing = selectors.sections_needing_review(today=today)
    urgency = Case(
        When(review_state=ReviewState.STALE, then=Value(0)),
        When(review_state=ReviewState.NEVER, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    shown = list(
        needing.annotate(urgency=urgency).order_by("urgency", "runbook_id", "position")
        .defer(*KEPT_OUT)[:LIMIT]
    )
    counts = dict(
        needing.order_by()
        .values_list("review_state")
        .annotate(n=Count("id"))
        .values_list("review_state", "n")
    )
    total = sum(counts.values())
    runbook_count = selectors.live_runbooks().count()
    return {
        "sections": shown,
        "more": max(total - len(shown), 0),
        "stale_count": counts.get(ReviewState.STALE, 0) + counts.get(ReviewState.NEVER, 0),
        "due_count": counts.get(ReviewState.DUE, 0),
        "runbook_count": runbook_count,
        "several_runbooks": runbook_count > 1,
    }


def concerns_panel(*, user, today):
    """Readers' open concerns, oldest first: two queries whatever their number."""
    concerns = selectors.open_concerns_for(None)
    shown = list(concerns[:LIMIT])
    if not shown:
        return None
    total = concerns.count()
    return {
        "title": "Run book: readers’ concerns",
        "template": "runbook/_concerns_panel.html",
        "concerns": shown,
        "count": total,
        "more": total - len(shown),
    }
