"""Cadence test data: rituals made through the service, as every door makes them."""

from revops.models import Door, Function


def ritual(*, name="Weekly forecast call", horizon="weekly", layer="insights",
           rrule="FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0", timezone="America/New_York",
           owner="sales", actor=None, **extra):
    from cadence import services

    owner_obj = Function.objects.get(slug=owner) if isinstance(owner, str) else owner
    return services.ritual_create(
        actor=actor, door=Door.CLI, name=name, horizon=horizon, layer=layer, rrule=rrule,
        timezone=timezone, owner=owner_obj, output=extra.pop("output", "Call sheet"),
        duration_minutes=extra.pop("duration_minutes", 30), **extra,
    )


def runbook_sections(actor=None):
    """The default run book's six sections (made once)."""
    from runbook import services as runbook_services
    from runbook.models import Runbook

    book = Runbook.objects.filter(is_default=True).first()
    if book is None:
        book = runbook_services.runbook_create(title="Test run book", actor=actor,
                                               door=Door.CLI, is_default=True)
    return {s.kind: s for s in book.sections.all()}


def bulk_rituals(count, *, name="Bulk ritual", now=None):
    """``count`` weekly rituals written in bulk, owners taken in turn, with their next
    12 months of occurrences (one set-based materialization): size data for
    query-count tests, the rows ``ritual`` would have made, audit apart."""
    from django.utils import timezone as django_timezone

    from cadence import services
    from cadence.models import Ritual

    now = now or django_timezone.now()
    owners = list(Function.objects.ordered())
    rituals = Ritual.objects.bulk_create([
        Ritual(name=f"{name} {i}", horizon="weekly", layer="insights",
               rrule="FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0", timezone="America/New_York",
               owner=owners[i % len(owners)], output="Call sheet", duration_minutes=30,
               schedule_start=now, created_at=now, updated_at=now)
        for i in range(count)
    ])
    services.materialize_many(rituals=rituals, now=now)
    return rituals


def history(ritual, outcomes):
    """Replace ``ritual``'s occurrences with ``{aware datetime: status}``: a hand-built
    past to count adherence against."""
    from cadence.models import Occurrence

    Occurrence.objects.filter(ritual=ritual).delete()
    Occurrence.objects.bulk_create([Occurrence(ritual=ritual, scheduled_for=at, status=status)
                                    for at, status in outcomes.items()])


def at(month, day, hour=9, minute=0):
    from datetime import UTC, datetime

    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


ADHERENCE_NOW = at(10, 14, 12)  # a Wednesday; UTC is the server zone


def adherence_past():
    """Weekly (Sales), daily (CS) and monthly (no owner) rituals with a known past, to
    count adherence against at ``ADHERENCE_NOW``. Call with time frozen before it."""
    weekly = ritual(name="Forecast call", owner="sales")
    daily = ritual(name="Stand-up", horizon="daily", owner="cs",
                   rrule="FREQ=DAILY;BYHOUR=9;BYMINUTE=0", duration_minutes=15)
    monthly = ritual(name="Pipeline review", horizon="monthly", owner=None,
                     rrule="FREQ=MONTHLY;BYMONTHDAY=1;BYHOUR=9;BYMINUTE=0")
    history(weekly, {
        at(7, 13): "held",  # before both windows
        at(7, 20, 0): "missed",  # Monday 00:00: the first instant of the 13 weeks
        at(9, 14): "held",  # 13 weeks only
        at(9, 21): "held", at(9, 28): "held", at(10, 5): "missed", at(10, 12): "skipped",
        at(10, 19): "scheduled",  # the future
    })
    history(daily, {
        at(9, 20, 23, 59): "held",  # Sunday night: 13 weeks only
        at(10, 13): "missed", at(10, 14): "held",
        at(10, 13, 10): "scheduled",  # past, not yet marked: not counted
        at(10, 14, 13): "held",  # after "now" (a clock skew): not counted
    })
    history(monthly, {at(10, 1): "held"})
