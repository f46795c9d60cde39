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
