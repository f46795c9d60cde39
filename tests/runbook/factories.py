"""Run-book test data, built through the services so invariants always hold."""

import datetime as dt
import itertools

from django.utils import timezone

from revops import rendering
from revops.models import Door, Function
from runbook import search, services
from runbook.models import Revision, Runbook, Section, SectionKind
from runbook.outlines import DEFAULT_OWNERS, OUTLINES


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


_bulk_counter = itertools.count()


def make_sections(n_runbooks):
    """``n_runbooks`` more run books of six sections each (one revision per section),
    written in bulk: size data for query-count tests, consistent with the services."""
    functions = {f.slug: f for f in Function.objects.all()}
    runbooks = Runbook.objects.bulk_create(
        [Runbook(title=f"Bulk run book {next(_bulk_counter)}") for _ in range(n_runbooks)]
    )
    runbooks = list(Runbook.objects.filter(title__in=[r.title for r in runbooks]))
    sections = Section.objects.bulk_create(
        [
            Section(runbook=r, kind=kind, position=i, title=SectionKind(kind).label,
                    owner=functions[DEFAULT_OWNERS[kind]], revision=1)
            for r in runbooks
            for i, kind in enumerate(SectionKind.values)
        ]
    )
    sections = Section.objects.filter(runbook__in=runbooks)
    # Six outlines, rendered once each: rendering every copy was most of the time.
    outlines_html = {kind: rendering.render(OUTLINES[kind]) for kind in SectionKind.values}
    Revision.objects.bulk_create(
        [Revision(section=s, number=1, body=OUTLINES[s.kind], body_html=outlines_html[s.kind],
                  summary="Starter outline", door=Door.CLI) for s in sections]
    )
    search.refresh_sections([s.pk for s in sections])
    return runbooks


def make_definition(term="MQL", *, owner="marketing", agreeing=("sales", "marketing"),
                    layer="process", body=None, formula="", actor=None, section=None,
                    door=Door.CLI, governed=False):
    """A definition through the service (revision 1, reviewed), owned by ``owner``. Not
    governed unless asked: the run book's own tests edit definitions directly, change
    control's tests ask for ``governed=True``."""
    functions = {f.slug: f for f in Function.objects.all()}
    definition = services.definition_create(
        term=term, body=body or f"What counts as **{term}**.", layer=layer,
        owner=functions[owner], agreeing=[functions[s] for s in agreeing], formula=formula,
        section=section, actor=actor, door=door)
    if not governed:
        type(definition).objects.filter(pk=definition.pk).update(governed=False)
        definition.governed = False
    return definition
