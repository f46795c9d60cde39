"""A bootstrapped model that anyone has written to since is no longer "the template,
untouched": asking for the template again is refused (409) instead of taken for the
same model, for every kind of write, through the services every door calls."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from cadence import services as cadence_services
from cadence.models import Occurrence, Ritual
from overview import bootstrap, motions
from raci import services as raci_services
from raci.models import Matrix
from revops import audit
from revops.models import AuditEntry, Door, Function
from runbook import services as runbook_services
from runbook.models import Definition, Runbook
from tests.factories import make_head

pytestmark = pytest.mark.django_db

MOTION = "sales-led"


def _bootstrap(**kwargs):
    return bootstrap.bootstrap(motion=MOTION, actor=None, door="cli", **kwargs)


def _section():
    return Runbook.objects.get().sections.order_by("position").first()


def _row():
    return Matrix.objects.get(is_current=True).rows.order_by("position").first()


TOUCHES = {
    "a run book renamed": lambda lead: runbook_services.runbook_update(
        runbook=Runbook.objects.get(), title="Our run book", actor=lead, door="ui"),
    "a section revised": lambda lead: runbook_services.section_revise(
        section=_section(), body="Our own words.", base_revision=2, actor=lead, door="ui"),
    "a section renamed": lambda lead: runbook_services.section_update(
        section=_section(), title="Where we are going", actor=lead, door="ui"),
    "a section reviewed": lambda lead: runbook_services.section_review(
        section=_section(), actor=lead, door="ui"),
    "a concern raised": lambda lead: runbook_services.concern_raise(
        section=_section(), reason="This no longer says what we do.", actor=lead, door="ui"),
    "a release pinned": lambda lead: runbook_services.release_create(
        runbook=Runbook.objects.get(), name="Q1 plan", actor=lead, door="ui"),
    # Definitions are governed: their text changes through a proposal, not here.
    "a definition reviewed": lambda lead: runbook_services.definition_review(
        definition=Definition.objects.order_by("pk").first(), actor=lead, door="ui"),
    "a RACI description edited": lambda lead: raci_services.row_update(
        row=_row(), description="What this row covers, in our words.", actor=lead,
        door="ui"),
    "a RACI cell changed": lambda lead: raci_services.cell_set(
        row=_row(), function=Function.objects.get(slug="finance"), letter="I", actor=lead,
        door="ui"),
    "the RACI signed off": lambda lead: raci_services.signoff_create(
        matrix=Matrix.objects.get(is_current=True), actor=make_head("sales"), door="ui"),
    "a ritual edited": lambda lead: cadence_services.ritual_update(
        ritual=Ritual.objects.order_by("pk").first(), duration_minutes=50, actor=lead,
        door="ui"),
    "an occurrence recorded": lambda lead: _record_the_first_meeting(lead),
}


def _record_the_first_meeting(lead):
    """Held, recorded when it has happened: the template's first meeting may fall on a
    later day than today, and one cannot be recorded held before its day."""
    first = Occurrence.objects.order_by("scheduled_for").first()
    with time_machine.travel(first.scheduled_for + timedelta(minutes=5), tick=False):
        cadence_services.occurrence_record(occurrence=first, status="held", actor=lead,
                                           door="ui")


@pytest.mark.parametrize("touch", TOUCHES)
def test_a_model_written_to_since_is_not_taken_for_the_template(touch, lead):
    _bootstrap()
    TOUCHES[touch](lead)
    before = AuditEntry.objects.count()
    with pytest.raises(bootstrap.ModelExists):
        _bootstrap()
    assert AuditEntry.objects.count() == before


def test_the_background_jobs_ageing_the_model_do_not_touch_it():
    _bootstrap()
    audit.record(actor=None, door=Door.TASK, action="stale", obj=_section())
    assert not _bootstrap().created


def test_naming_the_heads_does_not_touch_the_model(lead):
    _bootstrap(invite={"sales": "sam@example.com"})
    again = _bootstrap(invite={"sales": "sam@example.com", "cs": "casey@example.com"})
    assert not again.created
    assert not _bootstrap().created


def test_a_model_no_bootstrap_made_is_never_the_template():
    """The same objects made one by one (as a model file's import or a person would),
    not by a bootstrap: nothing says they were left as the template made them."""
    bootstrap._build(motions.template(MOTION), actor=None, door="cli", now=timezone.now())
    with pytest.raises(bootstrap.ModelExists):
        _bootstrap()
