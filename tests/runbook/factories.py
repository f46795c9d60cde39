"""Run-book test data, built through the services so invariants always hold."""

import datetime as dt

from django.utils import timezone

from revops.models import Door
from runbook import services
from runbook.models import Section


def make_runbook(title="Sales-led run book", *, actor=None, **kwargs):
    return services.runbook_create(title=title, actor=actor, door=Door.CLI, **kwargs)


def section(runbook, kind):
    return Section.objects.get(runbook=runbook, kind=kind)


def stamp_review(section, on, *, by=None, revision=None):
    """Mark ``section`` reviewed on a past date (the service stamps 'now')."""
    import time_machine

    moment = timezone.make_aware(dt.datetime.combine(on, dt.time(12)))
    with time_machine.travel(moment, tick=False):
        return services.section_review(
            section=section, actor=by, door=Door.CLI, note="checked", revision=revision
        )


def make_sections(n_runbooks):
    """``n_runbooks`` run books of six sections each."""
    return [make_runbook(f"Run book {i}") for i in range(n_runbooks)]
