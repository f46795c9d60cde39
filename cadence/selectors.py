"""Shared reads of the cadence for pages, endpoints, the feed, the dashboard and the
readiness report. Each runs a fixed number of queries whatever the number of rituals
or occurrences."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.core.paginator import Paginator
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Min,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber

from cadence import rules
from cadence.models import (
    ActionItem,
    ActionState,
    Decision,
    FeedToken,
    Horizon,
    Occurrence,
    Purpose,
    Ritual,
    Status,
)
from revops import fiscal

ADHERENCE_WINDOW = 8


def rituals(*, include_archived=True):
    """Rituals with what every list shows, prefetched; the live model's only unless
    ``include_archived`` (a ritual's own page reads it archived or not)."""
    qs = Ritual.objects.all() if include_archived else Ritual.objects.live()
    return (
        qs.select_related("owner", "owner__head", "owner__deputy", "owner_person",
                                      "output_section", "output_section__runbook")
        .prefetch_related("attendees")
        .order_by("name", "id")
    )


def occurrences(*, start=None, end=None, ritual=None, status=None, include_archived=False):
    """Occurrences in time order, with their ritual (and its owner) joined: of the live
    model's rituals, unless ``ritual`` is given or ``include_archived``."""
    qs = Occurrence.objects.select_related("ritual", "ritual__owner").order_by(
        "scheduled_for", "id")
    if ritual is None and not include_archived:
        qs = qs.filter(ritual__archived_at__isnull=True)
    if start is not None:
        qs = qs.filter(scheduled_for__gte=start)
    if end is not None:
        qs = qs.filter(scheduled_for__lt=end)
    if ritual is not None:
        qs = qs.filter(ritual=ritual)
    if status is not None:
        qs = qs.filter(status=status)
    return qs


def with_outcome(queryset):
    """Occurrences with what their outcome shows prefetched: who was there, decisions and
    action items (four queries for any number of occurrences)."""
    return queryset.prefetch_related("present", "attendance__function",
                                     Prefetch("decisions", queryset=decisions()),
                                     Prefetch("actions", queryset=actions()))


def occurrence_for_recording(pk):
    return with_outcome(
        Occurrence.objects.select_related("ritual", "ritual__owner",
                                          "ritual__output_section", "recorded_by")
        .prefetch_related("reviewed_sections")).get(pk=pk)


def occurrence_of_the_moment(ritual, *, now, ahead=timedelta(hours=12)):
    """The occurrence someone opening the ritual's calendar event means: the latest one
    scheduled before ``now + ahead`` (a meeting about to start, under way or just over),
    else the ritual's first; None when it has none."""
    occurrences = Occurrence.objects.filter(ritual=ritual)
    return (occurrences.filter(scheduled_for__lte=now + ahead).order_by("-scheduled_for")
            .first() or occurrences.order_by("scheduled_for").first())


# Outcomes: decisions and action items ---------------------------------------------------


def actions(*, include_archived=True):
    """Action items with their ritual, owner and closer joined, due first."""
    qs = ActionItem.objects.select_related("ritual", "ritual__owner", "owner", "closed_by",
                                           "occurrence__ritual")
    if not include_archived:
        qs = qs.filter(ritual__archived_at__isnull=True)
    return qs.order_by("due", "id")


def decisions(*, include_archived=True):
    """Decisions with their ritual, owner and linked item joined, newest first."""
    qs = Decision.objects.select_related(
        "ritual", "owner", "occurrence", "section", "definition", "raci_row",
        "linked_ritual")
    if not include_archived:
        qs = qs.filter(ritual__archived_at__isnull=True)
    return qs.order_by("-created_at", "-id")


@dataclass(frozen=True)
class Carried:
    """The open action items an occurrence inherits from the ritual's earlier ones."""

    items: list
    today: object

    @property
    def overdue(self):
        return sum(1 for a in self.items if a.is_overdue(self.today))

    @property
    def summary(self):
        """"3 open, 1 overdue": what the page and the agenda lead with."""
        text = f"{len(self.items)} open"
        return f"{text}, {self.overdue} overdue" if self.overdue else text


def carried_actions(occurrence, *, today):
    """The ritual's action items still open that an earlier occurrence left behind: they
    belong to the ritual, so a changed schedule carries them all the same."""
    return Carried(list(actions().filter(
        ritual_id=occurrence.ritual_id, state=ActionState.OPEN,
        occurrence__scheduled_for__lt=occurrence.scheduled_for)), today)


def open_actions_of(*, person):
    """``person``'s open action items in the live model, with their ritual, due first:
    what a hand-over passes on (those of an archived model stay read-only, and done or
    dropped ones keep their owner as history)."""
    return (ActionItem.objects.filter(owner=person, state=ActionState.OPEN,
                                      ritual__archived_at__isnull=True)
            .select_related("ritual").order_by("due", "id"))


def overdue_actions(*, today, owner=None):
    """Open action items past their day, in the live model; ``owner``'s only if given."""
    qs = actions(include_archived=False).filter(state=ActionState.OPEN, due__lt=today)
    return qs if owner is None else qs.filter(owner=owner)


def outcomes_of(*, ritual_ids, since):
    """``({ritual_id: [open action item]}, {ritual_id: [decision since ``since``]})`` for
    the pack: what each ritual still owes and lately decided. Two queries."""
    open_items, decided = defaultdict(list), defaultdict(list)
    for item in actions().filter(ritual_id__in=ritual_ids, state=ActionState.OPEN):
        open_items[item.ritual_id].append(item)
    for decision in decisions().filter(ritual_id__in=ritual_ids, created_at__gte=since):
        decided[decision.ritual_id].append(decision)
    return open_items, decided


REVISIT_SHOWN_FOR = timedelta(weeks=4)


def revisits_due(*, function_ids, now):
    """Decisions owned by these functions whose revisit was raised in the last four
    weeks and that link no section (a section's revisit is its concern, answered by its
    next review): the owner's to-do, oldest first."""
    return decisions(include_archived=False).filter(
        owner_id__in=function_ids, revisit_raised_at__gt=now - REVISIT_SHOWN_FOR,
        section__isnull=True).order_by("revisit_on", "id")


@dataclass
class RitualRow:
    ritual: Ritual
    next_at: datetime | None
    held: int = 0
    missed: int = 0
    skipped: int = 0
    recent: list = field(default_factory=list)

    @property
    def adherence_text(self):
        counted = self.held + self.missed
        return f"{self.held} held / {self.missed} missed" if counted else "no history yet"

    @property
    def has_recent_miss(self):
        return self.missed > 0


def recent_statuses(*, now, ritual_ids=None, limit=ADHERENCE_WINDOW):
    """``{ritual_id: [status, …]}`` of each ritual's last ``limit`` past occurrences,
    newest first, in one query (a window function)."""
    qs = Occurrence.objects.filter(scheduled_for__lt=now)
    if ritual_ids is not None:
        qs = qs.filter(ritual_id__in=ritual_ids)
    qs = (qs.annotate(rank=Window(RowNumber(), partition_by=[F("ritual_id")],
                                  order_by=F("scheduled_for").desc()))
          .filter(rank__lte=limit)
          .values_list("ritual_id", "status", "scheduled_for")
          .order_by("ritual_id", "-scheduled_for"))
    result = defaultdict(list)
    for ritual_id, status, _ in qs:
        result[ritual_id].append(status)
    return result


def ritual_rows(*, now, queryset=None):
    """Every ritual with its next occurrence and adherence over its last eight
    occurrences (held / missed), in three queries."""
    next_at = (Occurrence.objects.filter(ritual=OuterRef("pk"), scheduled_for__gte=now,
                                         status=Status.SCHEDULED)
               .order_by("scheduled_for").values("scheduled_for")[:1])
    items = list((queryset if queryset is not None else rituals())
                 .annotate(next_at=Subquery(next_at)))
    history = recent_statuses(now=now, ritual_ids=[r.pk for r in items])
    rows = []
    for ritual in items:
        statuses = history.get(ritual.pk, [])
        rows.append(RitualRow(
            ritual=ritual, next_at=ritual.next_at,
            held=statuses.count(Status.HELD), missed=statuses.count(Status.MISSED),
            skipped=statuses.count(Status.SKIPPED), recent=statuses,
        ))
    return rows


# The cadence page draws this many rituals at a time, in horizon order.
RITUALS_PER_PAGE = 50


def rows_by_horizon(*, now, page=""):
    """``(groups, page)``: the page of live rituals numbered ``page`` (as the request
    gives it), ``RITUALS_PER_PAGE`` of them in horizon order, as ``[(horizon_label,
    horizon, [RitualRow…])]`` — every horizon when the rituals fit on one page (an empty
    one says so), else those this page draws — and the ``Page``."""
    horizon_order = Case(*(When(horizon=h, then=Value(i)) for i, h in enumerate(Horizon.values)),
                         output_field=IntegerField())
    page = Paginator(rituals(include_archived=False).order_by(horizon_order, "name", "id"),
                     RITUALS_PER_PAGE).get_page(page)
    groups = {h: [] for h in Horizon.values}
    for row in ritual_rows(now=now, queryset=page.object_list):
        groups[row.ritual.horizon].append(row)
    return [(Horizon(h).label, h, groups[h]) for h in Horizon.values
            if groups[h] or not page.has_other_pages()], page


def lint():
    """The lint findings of the current cadence (one query)."""
    return rules.lint(list(Ritual.objects.live()))


def local_day_bounds(day, tz):
    start = datetime.combine(day, time(0), tzinfo=tz)
    return start, datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)


def days_grid(*, first_day, days, tz):
    """``[(date, [Occurrence…])]`` for ``days`` days from ``first_day`` in the viewer's
    zone, in one query."""
    start = datetime.combine(first_day, time(0), tzinfo=tz)
    end = datetime.combine(first_day + timedelta(days=days), time(0), tzinfo=tz)
    by_day = defaultdict(list)
    for occurrence in occurrences(start=start, end=end):
        by_day[occurrence.scheduled_for.astimezone(tz).date()].append(occurrence)
    return [(first_day + timedelta(days=i), by_day[first_day + timedelta(days=i)])
            for i in range(days)]


def feed_data(*, ritual_ids=None):
    """Rituals for the calendar feed and the occurrences the rule alone does not carry
    (skipped ones, and those kept from an earlier schedule or an inactive ritual). The
    feed of them all is the live model's: an archived ritual leaves subscribers'
    calendars; one asked for by id is given even when archived."""
    qs = Ritual.objects.order_by("id")
    qs = qs.live() if ritual_ids is None else qs.filter(pk__in=ritual_ids)
    items = list(qs.prefetch_related(Prefetch(
        "occurrences",
        queryset=Occurrence.objects.filter(
            Q(status=Status.SKIPPED) | Q(scheduled_for__lt=F("ritual__schedule_start"))
            | Q(ritual__active=False)
        ).order_by("scheduled_for"),
        to_attr="feed_occurrences",
    )))
    items = [r for r in items if r.active or r.feed_occurrences]
    return items, {r.pk: r.feed_occurrences for r in items}


# --- What the dashboard and the readiness report read ----------------------------

def week_bounds(today, tz):
    monday = today - timedelta(days=today.weekday())
    return local_day_bounds(monday, tz)[0], local_day_bounds(monday + timedelta(days=6), tz)[1]


def dashboard(*, today, now, tz, miss_days=14):
    """This week's occurrences and the recent misses, in two queries."""
    start, end = week_bounds(today, tz)
    this_week = list(occurrences(start=start, end=end))
    misses = list(occurrences(start=now - timedelta(days=miss_days), end=now,
                              status=Status.MISSED).order_by("-scheduled_for")[:10])
    return this_week, misses


@dataclass(frozen=True)
class ReadinessFacts:
    horizons_covered: frozenset
    horizons_missing: tuple
    rituals_missing_owner: tuple  # names
    rituals_missing_output: tuple
    has_weekly_forecast: bool
    recent_held: int
    recent_missed: int
    recent_skipped: int
    refresh_held_recently: bool
    refresh_exists: bool


def readiness(*, now, today, recent_days=56, start_month=None):
    """What the Friday test needs of the cadence, in three queries.

    "Recent" is the last ``recent_days`` days of occurrences; the refresh counts when a
    quarterly refresh ritual was held in this fiscal quarter or the previous one.
    """
    start_month = start_month or fiscal.start_month()
    active = list(Ritual.objects.live().filter(active=True).only(
        "name", "horizon", "owner", "output", "purpose"))
    covered = frozenset(r.horizon for r in active)
    counts = dict(
        Occurrence.objects.filter(scheduled_for__gte=now - timedelta(days=recent_days),
                                  scheduled_for__lt=now, ritual__archived_at__isnull=True)
        .values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    quarter = fiscal.quarter_index(today, start_month)
    since = fiscal.quarter_start(quarter - 1, start_month)
    refresh = Occurrence.objects.filter(
        ritual__horizon=Horizon.QUARTERLY, ritual__purpose=Purpose.REFRESH,
        ritual__archived_at__isnull=True,
    )
    refresh_held = refresh.filter(status=Status.HELD, scheduled_for__date__gte=since,
                                  scheduled_for__lte=now).exists()
    return ReadinessFacts(
        horizons_covered=covered,
        horizons_missing=tuple(h for h in rules.HORIZONS if h not in covered),
        rituals_missing_owner=tuple(r.name for r in active if r.owner_id is None),
        rituals_missing_output=tuple(r.name for r in active if not r.output.strip()),
        has_weekly_forecast=any(r.horizon == Horizon.WEEKLY and r.purpose == Purpose.FORECAST
                                for r in active),
        recent_held=counts.get(Status.HELD, 0),
        recent_missed=counts.get(Status.MISSED, 0),
        recent_skipped=counts.get(Status.SKIPPED, 0),
        refresh_held_recently=refresh_held,
        refresh_exists=any(r.horizon == Horizon.QUARTERLY and r.purpose == Purpose.REFRESH
                           for r in active),
    )


def held_refresh(*, first_day, last_day):
    """The last occurrence of a quarterly operating-model refresh recorded as held between
    two dates (inclusive), with its ritual; or None. The maturity assessment of a quarter
    is tied to it (``overview.services.maturity_assess``)."""
    return (Occurrence.objects.select_related("ritual")
            .filter(ritual__horizon=Horizon.QUARTERLY, ritual__purpose=Purpose.REFRESH,
                    ritual__archived_at__isnull=True, status=Status.HELD,
                    scheduled_for__date__gte=first_day, scheduled_for__date__lte=last_day)
            .order_by("-scheduled_for", "-id").first())


@dataclass
class Move:
    """A ritual whose times a new fiscal start month would move: its next time now and
    after the change (None when there is none in the coming year)."""

    ritual: Ritual
    next_now: datetime | None
    next_after: datetime | None


def rituals_moved_by_fiscal_year(*, start_month, now):
    """The live, active rituals whose coming year of times differs when the fiscal year
    starts in ``start_month``: quarterly ones, anchored on the first month of a fiscal
    quarter, move unless the quarters stay on the same months. One query."""
    moves = []
    for ritual in (Ritual.objects.live().filter(active=True, horizon=Horizon.QUARTERLY)
                   .order_by("name", "pk")):
        times = []
        for month in (fiscal.start_month(), start_month):
            times.append(rules.schedule(
                horizon=ritual.horizon, rrule=ritual.rrule, timezone=ritual.timezone,
                starts_at=ritual.schedule_start, start_month=month,
            ).between(now, now + rules.WINDOW))
        if times[0] != times[1]:
            moves.append(Move(ritual, times[0][0] if times[0] else None,
                              times[1][0] if times[1] else None))
    return moves


def has_live_rituals():
    """Whether the live model has any ritual (the calendar pages lead to /setup/ if not)."""
    return Ritual.objects.live().exists()


def active_rituals():
    """The live model's active rituals (what a model being here is counted by)."""
    return Ritual.objects.live().filter(active=True)


def rituals_with_owning_function():
    """The live model's active rituals that a function owns, with it, by name: what the
    layer cross-checks hold against the RACI."""
    return (active_rituals().filter(owner__isnull=False).select_related("owner")
            .order_by("name", "id"))


def archived_rituals():
    """Archived rituals with their owning function, by name."""
    return Ritual.objects.archived().select_related("owner").order_by("name", "pk")


def rituals_of_person(*, person):
    """The rituals ``person`` owns in person (archived ones included), by name: what a
    hand-over passes on."""
    return (Ritual.objects.filter(owner_person=person).select_related("owner", "owner_person")
            .order_by("name", "id"))


def rituals_held_by(*, person, function_ids, now):
    """The rituals ``person`` owns in person or through a function they head, each with
    ``next_scheduled`` (its next scheduled time from ``now``, or None). One query."""
    return (Ritual.objects.filter(Q(owner_id__in=function_ids) | Q(owner_person=person))
            .select_related("owner").order_by("name", "id")
            .annotate(next_scheduled=Min("occurrences__scheduled_for", filter=Q(
                occurrences__status=Status.SCHEDULED, occurrences__scheduled_for__gte=now))))


def occurrences_to_record_by(*, person, function_ids, before):
    """The scheduled occurrences before ``before`` of the rituals ``person`` owns, in
    person or through a function they head."""
    return Occurrence.objects.filter(
        Q(ritual__owner_id__in=function_ids) | Q(ritual__owner_person=person),
        status=Status.SCHEDULED, scheduled_for__lt=before,
    )


def next_times(*, ritual_ids, now, per_ritual):
    """``{ritual_id: [time, …]}``: each ritual's next ``per_ritual`` scheduled times from
    ``now``, in one query (a window function)."""
    upcoming = defaultdict(list)
    for ritual_id, at in (
        Occurrence.objects.filter(ritual_id__in=ritual_ids, scheduled_for__gte=now,
                                  status=Status.SCHEDULED)
        .annotate(rank=Window(RowNumber(), partition_by=[F("ritual_id")],
                              order_by=F("scheduled_for").asc()))
        .filter(rank__lte=per_ritual)
        .values_list("ritual_id", "scheduled_for")
        .order_by("ritual_id", "scheduled_for")
    ):
        upcoming[ritual_id].append(at)
    return upcoming


def status_counts(*, ritual_ids, start, end):
    """``{ritual_id: {status: n}}`` of the occurrences from ``start`` to before ``end``,
    in one query."""
    tally = defaultdict(dict)
    for ritual_id, status, n in (
        Occurrence.objects.filter(ritual_id__in=ritual_ids, scheduled_for__lt=end,
                                  scheduled_for__gte=start)
        .values_list("ritual_id", "status").annotate(n=Count("id"))
        .values_list("ritual_id", "status", "n")
    ):
        tally[ritual_id][status] = n
    return tally


def feed_tokens(*, user, include_revoked=False):
    """``user``'s calendar feed tokens; the revoked ones only if ``include_revoked``."""
    qs = FeedToken.objects.filter(user=user)
    return qs if include_revoked else qs.filter(revoked_at__isnull=True)


def rituals_to_search(*, include_archived=False):
    """The rituals search reads: the live model's, or every one."""
    return Ritual.objects.all() if include_archived else live_rituals()


def live_rituals():
    """The live model's rituals, nothing joined."""
    return Ritual.objects.live()


def rituals_by_ids(pks):
    """``{id: ritual}`` with what its page shows, archived or not."""
    return rituals().in_bulk(pks)


def rituals_mentioning(term):
    """Live rituals whose output or agenda mention ``term`` (any case), by name."""
    return (Ritual.objects.live().filter(Q(output__icontains=term) | Q(agenda__icontains=term))
            .order_by("name", "id"))
