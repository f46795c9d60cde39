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
