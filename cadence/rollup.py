"""What the rituals' promises came to: action items opened, done (on time or late),
dropped and overdue — per ritual, per owner (person) and per owning function — and each
ritual's rating over time.

Counted in SQL, grouped: one query per roll-up whatever the number of action items.
"Done on time" means closed as done on or before its due day (in the server's zone);
the completion rate is done over the items not dropped (a dropped item was a decision,
not a broken promise), or None with none.
"""

from dataclasses import dataclass

from django.db.models import Count, F, Q

from cadence.models import ActionItem, ActionState, Occurrence, Status

RATINGS_SHOWN = 12


@dataclass(frozen=True)
class ActionTally:
    opened: int = 0
    done: int = 0
    done_on_time: int = 0
    dropped: int = 0
    overdue: int = 0

    @property
    def completion_rate(self):
        kept = self.opened - self.dropped
        return round(self.done / kept, 3) if kept else None

    @property
    def completion_percent(self):
        rate = self.completion_rate
        return None if rate is None else round(100 * rate)


def _counts(today):
    return {
        "opened": Count("id"),
        "done": Count("id", filter=Q(state=ActionState.DONE)),
        "done_on_time": Count("id", filter=Q(state=ActionState.DONE,
                                             closed_at__date__lte=F("due"))),
        "dropped": Count("id", filter=Q(state=ActionState.DROPPED)),
        "overdue": Count("id", filter=Q(state=ActionState.OPEN, due__lt=today)),
    }


def tallies(queryset, *, by, today):
    """``{key: ActionTally}`` of ``queryset``'s action items grouped by the fields
    ``by`` (a key is the tuple of their values), in one query."""
    rows = queryset.order_by().values(*by).annotate(**_counts(today))
    return {tuple(row[f] for f in by): ActionTally(**{k: row[k] for k in _counts(today)})
            for row in rows}


def total(queryset, *, today):
    return ActionTally(**queryset.aggregate(**_counts(today)))


@dataclass(frozen=True)
class OwnerLine:
    name: str
    tally: ActionTally


def for_ritual(ritual, *, today):
    """The ritual's action items in all, and per owner (by name): two queries."""
    items = ActionItem.objects.filter(ritual=ritual)
    per_owner = tallies(items, by=("owner__username", "owner__first_name", "owner__last_name"),
                        today=today)
    lines = [OwnerLine(f"{first} {last}".strip() or username, tally)
             for (username, first, last), tally in per_owner.items()]
    return total(items, today=today), sorted(lines, key=lambda line: line.name.lower())


def ratings(ritual, *, limit=RATINGS_SHOWN):
    """The last ``limit`` rated held occurrences of ``ritual``, oldest first:
    ``[(occurrence, rating)]``; one query."""
    rated = list(Occurrence.objects.filter(ritual=ritual, status=Status.HELD,
                                           rating__isnull=False)
                 .select_related("ritual").order_by("-scheduled_for")[:limit])
    return [(o, o.rating) for o in reversed(rated)]
