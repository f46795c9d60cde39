"""A governed item changes only through a proposal: every door's direct write is a 409
naming the rule ``governed``, and nothing is written."""

import pytest
from django.core.exceptions import ValidationError

from cadence import services as cadence_services
from raci import services as raci_services
from revops import governance
from revops.errors import Refused
from revops.models import AuditEntry, Door, Function
from runbook import services as runbook_services
from runbook.models import Definition, Section
from tests.cadence.factories import ritual as make_ritual
from tests.raci import factories as raci_factories
from tests.runbook.factories import make_runbook

pytestmark = pytest.mark.django_db


def test_a_new_definition_is_governed_and_its_revision_is_refused_naming_the_rule(mql,
                                                                                   people):
    assert mql.governed
    with pytest.raises(governance.Governed) as refused:
        runbook_services.definition_revise(definition=mql, body="Changed.", base_revision=1,
                                           actor=people["marketing"], door=Door.CLI)
    assert refused.value.detail() == {"rule": "governed"}
    assert "open a proposal" in str(refused.value).lower()
    assert Definition.objects.get(pk=mql.pk).revision == 1


def test_a_definition_rename_is_refused_but_a_hand_over_is_not(mql, people):
    with pytest.raises(governance.Governed):
        runbook_services.definition_update(definition=mql, term="Marketing lead",
                                           actor=people["lead"], door=Door.CLI)
    runbook_services.definition_update(definition=mql, owner=Function.objects.get(slug="sales"),
                                       actor=people["lead"], door=Door.CLI)
    assert Definition.objects.get(pk=mql.pk).owner.slug == "sales"


def test_a_section_of_a_governed_run_book_is_governed(people):
    book = make_runbook(actor=people["lead"])
    governance.governed_set(item=book, governed=True, actor=people["lead"], door=Door.UI)
    section = book.sections.get(kind="process")
    with pytest.raises(governance.Governed):
        runbook_services.section_revise(section=section, body="New.", base_revision=1,
                                        actor=people["lead"], door=Door.API)
    with pytest.raises(governance.Governed):
        runbook_services.section_update(section=section, title="Renamed",
                                        actor=people["lead"], door=Door.UI)
    assert Section.objects.get(pk=section.pk).revision == 1


def test_rows_of_a_governed_matrix_are_refused_but_their_order_is_not(matrix, people):
    row = raci_factories.row(matrix, "Lead routing", {"sales": "A", "marketing": "R"})
    governance.governed_set(item=matrix, governed=True, actor=people["lead"], door=Door.UI)
    lead = people["lead"]
    writes = [
        lambda: raci_services.row_update(row=row, description="x", actor=lead, door=Door.UI),
        lambda: raci_services.cell_set(row=row, function=Function.objects.get(slug="cs"),
                                       letter="C", actor=lead, door=Door.API),
        lambda: raci_services.row_create(matrix=matrix, name="New", cells={"sales": "A"},
                                         actor=lead, door=Door.CONSOLE),
        lambda: raci_services.row_delete(row=row, actor=lead, door=Door.UI),
        lambda: raci_services.matrix_import(matrix=matrix, text="layer,name\n", actor=lead,
                                            door=Door.UI),
    ]
    for write in writes:
        with pytest.raises(governance.Governed):
            write()
    raci_services.row_move(row=row, direction="up", actor=lead, door=Door.UI)


def test_a_governed_ritual_refuses_edits_and_deletion_but_not_a_new_owner(people):
    ritual = make_ritual(owner="sales")
    governance.governed_set(item=ritual, governed=True, actor=people["lead"], door=Door.UI)
    with pytest.raises(governance.Governed):
        cadence_services.ritual_update(ritual=ritual, output="Forecast", actor=people["lead"],
                                       door=Door.UI)
    with pytest.raises(governance.Governed):
        cadence_services.ritual_delete(ritual=ritual, actor=people["lead"], door=Door.UI)
    cadence_services.ritual_update(ritual=ritual, owner=Function.objects.get(slug="cs"),
                                   actor=people["lead"], door=Door.UI)


def test_marking_governed_is_for_leads_and_audited(mql, people):
    with pytest.raises(Refused):
        governance.governed_set(item=mql, governed=False, actor=people["marketing"],
                                door=Door.UI)
    governance.governed_set(item=mql, governed=False, actor=people["lead"], door=Door.UI)
    entry = AuditEntry.objects.filter(action="ungovern").get()
    assert entry.changes == {"governed": [True, False]}
    runbook_services.definition_revise(definition=mql, body="Free now.", base_revision=1,
                                       actor=people["marketing"], door=Door.CLI)


def test_only_a_lead_creates_an_ungoverned_definition(people):
    with pytest.raises(Refused):
        runbook_services.definition_create(
            term="SQL", body="x", layer="process", owner=Function.objects.get(slug="sales"),
            actor=people["sales"], door=Door.UI, governed=False)
    with pytest.raises(ValidationError):
        runbook_services.definition_create(
            term="", body="x", layer="process", owner=Function.objects.get(slug="sales"),
            actor=people["lead"], door=Door.UI, governed=False)


def test_the_api_and_the_page_answer_a_direct_edit_with_a_409_naming_the_rule(client, mql,
                                                                              people):
    client.force_login(people["marketing"])
    api = client.post(f"/api/v1/definitions/{mql.pk}/revisions/",
                      {"body": "Changed.", "base_revision": 1}, content_type="application/json")
    assert api.status_code == 409
    assert api.json()["rule"] == "governed"
    page = client.post(f"/definitions/{mql.slug}/revise/", {"body": "Changed.",
                                                            "base_revision": 1})
    assert page.status_code == 409
    assert "governed" in page.content.decode()
    assert Definition.objects.get(pk=mql.pk).revision == 1
