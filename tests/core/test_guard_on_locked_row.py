"""The owner guard runs on the row the write locks, not on the instance the caller read.

A head reads a section (a definition, a ritual, an occurrence) while their function owns
it; a lead then hands it to another function; the head's write, made with the instance
read before the hand-over, is refused and writes nothing. Asked of that earlier
instance, the guard would have let it through (``policy.locked_for_change``)."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from cadence import services as cadence_services
from cadence.models import Occurrence, Ritual, Status
from revops.errors import Refused
from revops.models import AuditEntry, Door
from runbook import services as runbook_services
from runbook.models import Definition, Section
from tests.cadence.factories import ritual as make_ritual
from tests.factories import function
from tests.runbook.factories import make_definition, make_runbook, section

pytestmark = pytest.mark.django_db


def _handed_to_marketing(obj, hand_over):
    """``obj`` as read while sales owned it; then a lead hands the row to marketing."""
    hand_over(type(obj).objects.get(pk=obj.pk))
    return obj


@pytest.fixture
def stale_section(lead, sales_head):
    target = section(make_runbook(), "process")
    runbook_services.section_update(section=target, owner=function("sales"), actor=lead,
                                    door=Door.UI)
    read = Section.objects.get(pk=target.pk)
    return _handed_to_marketing(read, lambda s: runbook_services.section_update(
        section=s, owner=function("marketing"), actor=lead, door=Door.UI))


@pytest.fixture
def stale_definition(lead, sales_head):
    read = Definition.objects.get(pk=make_definition(owner="sales", agreeing=()).pk)
    return _handed_to_marketing(read, lambda d: runbook_services.definition_update(
        definition=d, owner=function("marketing"), actor=lead, door=Door.UI))


@pytest.fixture
def stale_ritual(lead, sales_head):
    read = Ritual.objects.get(pk=make_ritual(owner="sales").pk)
    return _handed_to_marketing(read, lambda r: cadence_services.ritual_update(
        ritual=r, owner=function("marketing"), actor=lead, door=Door.UI))


@pytest.fixture
def stale_occurrence(lead, sales_head):
    with time_machine.travel(timezone.now() - dt.timedelta(days=14), tick=False):
        made = make_ritual(owner="sales")
    occurrence = (Occurrence.objects.select_related("ritual")
                  .filter(ritual=made, scheduled_for__lt=timezone.now()).earliest("scheduled_for"))
    cadence_services.ritual_update(ritual=Ritual.objects.get(pk=made.pk),
                                   owner=function("marketing"), actor=lead, door=Door.UI)
    return occurrence


WRITES = {
    "section_update": ("stale_section", lambda s, who: runbook_services.section_update(
        section=s, title="Renamed by the former owner", actor=who, door=Door.UI)),
    "section_revise": ("stale_section", lambda s, who: runbook_services.section_revise(
        section=s, body="Rewritten by the former owner", base_revision=s.revision, actor=who,
        door=Door.UI, mark_reviewed=False)),
    "section_review": ("stale_section", lambda s, who: runbook_services.section_review(
        section=s, actor=who, door=Door.UI)),
    "definition_update": ("stale_definition", lambda d, who: runbook_services.definition_update(
        definition=d, term="Renamed", actor=who, door=Door.UI)),
    "definition_revise": ("stale_definition", lambda d, who: runbook_services.definition_revise(
        definition=d, body="Rewritten", base_revision=d.revision, actor=who, door=Door.UI,
        mark_reviewed=False)),
    "definition_review": ("stale_definition", lambda d, who: runbook_services.definition_review(
        definition=d, actor=who, door=Door.UI)),
    "ritual_update": ("stale_ritual", lambda r, who: cadence_services.ritual_update(
        ritual=r, name="Renamed", actor=who, door=Door.UI)),
    "ritual_delete": ("stale_ritual", lambda r, who: cadence_services.ritual_delete(
        ritual=r, actor=who, door=Door.UI)),
    "occurrence_record": ("stale_occurrence", lambda o, who: cadence_services.occurrence_record(
        occurrence=o, status=Status.SKIPPED, actor=who, door=Door.UI)),
}


@pytest.mark.parametrize("write", sorted(WRITES))
def test_the_former_owners_head_is_refused_with_an_instance_read_before_the_hand_over(
    write, request, sales_head
):
    fixture, call = WRITES[write]
    stale = request.getfixturevalue(fixture)
    assert stale.owning_function_id == function("sales").pk  # what the caller read
    entries = AuditEntry.objects.count()
    with pytest.raises(Refused):
        call(stale, sales_head)
    assert AuditEntry.objects.count() == entries
    assert type(stale).objects.filter(pk=stale.pk).exists()
