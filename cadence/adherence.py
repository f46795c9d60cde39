"""Adherence: how many of the rituals' past occurrences were held, skipped or missed,
per horizon, per owner function and per week, over the last few weeks.

A window of ``weeks`` weeks is whole weeks, Monday to Sunday in the server's time
zone, ending with the current one (so it runs to now): the last 4 weeks on 2026-10-14
(a Wednesday) start on Monday 2026-09-21. Only recorded outcomes count — an
occurrence still ``scheduled`` (not yet past its grace period) is neither held nor
missed yet. The held rate is held over held + skipped + missed: a skip is a decision,
but the ritual still did not happen.

Only the live model's rituals count: an archived model's history stays on its rituals'
pages. One query whatever the number of rituals or occurrences: the counts are grouped
in SQL. Asked ``with_actions``, a second query adds what became of the action items
opened in the window (``cadence.rollup``), in all and per owner function.
"""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from cadence import rollup
from cadence.models import ActionItem, Horizon, Occurrence, Status

WINDOWS = (4, 13)
MAX_WEEKS = 52
OUTCOMES = (Status.HELD, Status.SKIPPED, Status.MISSED)


@dataclass
class Tally:
    held: int = 0
    skipped: int = 0
    missed: int = 0

    def add(self, status, n):
        setattr(self, status, getattr(self, status) + n)

    @property
    def recorded(self):
        return self.held + self.skipped + self.missed

    @property
    def held_rate(self):
        """Held over all recorded outcomes (0–1), or None with nothing recorded."""
        return round(self.held / self.recorded, 3) if self.recorded else None

    @property
    def held_percent(self):
        return None if self.held_rate is None else round(100 * self.held_rate)


@dataclass
class OwnerTally:
    slug: str | None  # None: rituals with no owner function
    name: str
    tally: Tally = field(default_factory=Tally)
    actions: rollup.ActionTally = field(default_factory=rollup.ActionTally)


@dataclass
class Week:
    start: object  # the Monday
    by_horizon: dict  # horizon -> Tally


@dataclass
class Adherence:
    weeks: int
    start: datetime
    end: datetime
    by_horizon: dict  # horizon -> Tally, every horizon in order
    by_owner: list  # OwnerTally in function order, "no owner" last
    by_week: list  # Week, oldest first, every week of the window
    total: Tally
    actions: rollup.ActionTally | None = None  # with_actions only


def window_start(*, weeks, today, tz):
    monday = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    return datetime.combine(monday, time(0), tzinfo=tz)


def adherence(*, weeks, now=None, with_actions=False):
    """The adherence over the last ``weeks`` weeks up to ``now``."""
    now = now or timezone.now()
    tz = timezone.get_current_timezone()
    start = window_start(weeks=weeks, today=timezone.localdate(now, tz), tz=tz)
    counts = (
        Occurrence.objects.filter(scheduled_for__gte=start, scheduled_for__lt=now,
                                  status__in=OUTCOMES, ritual__archived_at__isnull=True)
        .annotate(day=TruncDate("scheduled_for", tzinfo=tz))
        .values_list("ritual__horizon", "ritual__owner__slug", "ritual__owner__name",
                     "ritual__owner__position", "day", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    first_monday = start.date()
    by_horizon = {h: Tally() for h in Horizon.values}
    by_week = [Week(first_monday + timedelta(weeks=i), {h: Tally() for h in Horizon.values})
               for i in range(weeks)]
    owners = {}
    total = Tally()
    for horizon, slug, name, position, day, status, n in counts:
        by_horizon[horizon].add(status, n)
        by_week[(day - first_monday).days // 7].by_horizon[horizon].add(status, n)
        key = (position, slug) if slug else (float("inf"), "")
        owner = owners.setdefault(key, OwnerTally(slug, name or "No owner"))
        owner.tally.add(status, n)
        total.add(status, n)
    actions = None
    if with_actions:
        opened = ActionItem.objects.filter(created_at__gte=start, created_at__lt=now,
                                           ritual__archived_at__isnull=True)
        today = timezone.localdate(now, tz)
        actions = rollup.total(opened, today=today)
        for (slug, name, position), tally in rollup.tallies(
                opened, by=("ritual__owner__slug", "ritual__owner__name",
                            "ritual__owner__position"), today=today).items():
            key = (position, slug) if slug else (float("inf"), "")
            owners.setdefault(key, OwnerTally(slug, name or "No owner")).actions = tally
    return Adherence(
        weeks=weeks, start=start, end=now, by_horizon=by_horizon,
        by_owner=[owners[k] for k in sorted(owners)], by_week=by_week, total=total,
        actions=actions,
    )



@dataclass
class SideBySide:
    """Several windows' adherence as table rows: ``(label, [Tally per window])``."""

    windows: list  # the Adherence of each window, shortest first
    horizons: list
    owners: list
    totals: list

    @property
    def tables(self):
        return [("Per horizon", self.horizons), ("Per owner function", self.owners)]


def side_by_side(*, now=None, windows=WINDOWS):
    """The last 4 and 13 weeks (by default) side by side, for the cadence page; one
    query per window."""
    now = now or timezone.now()
    reports = [adherence(weeks=w, now=now) for w in windows]
    owners = {}  # in function order: the longest window holds every owner of the others
    for report in sorted(reports, key=lambda r: -r.weeks):
        for owner in report.by_owner:
            owners.setdefault(owner.slug, owner.name)
    by_slug = [{o.slug: o.tally for o in report.by_owner} for report in reports]
    return SideBySide(
        windows=reports,
        horizons=[(Horizon(h).label, [r.by_horizon[h] for r in reports])
                  for h in Horizon.values],
        owners=[(name, [tallies.get(slug, Tally()) for tallies in by_slug])
                for slug, name in owners.items()],
        totals=[r.total for r in reports],
    )
