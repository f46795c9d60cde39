"""Definitions on the database: versioned, reviewed and agreed exactly as sections are
versioned and reviewed (the same code: runbook/documents.py), agreed per head."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from revops.models import AuditEntry, Door, Function
from runbook import selectors, services
from runbook.models import Agreement, Definition, DefinitionRevision, DefinitionStaleFlag
from tests.runbook.factories import make_definition, make_runbook

pytestmark = pytest.mark.django_db


def _fn(slug):
    return Function.objects.get(slug=slug)


def test_creating_a_definition_writes_revision_one_reviewed_and_audited(lead):
    definition = make_definition("Sales velocity", formula="pipeline value ÷ cycle length",
                                 actor=lead)
    assert definition.slug == "sales-velocity" and definition.revision == 1
    revision = definition.revisions.get()
    assert revision.formula == "pipeline value ÷ cycle length"
    assert definition.last_reviewed_revision == 1 and definition.last_reviewed_on
    created = AuditEntry.objects.get(action="create", object_type="runbook.definition")
    assert created.changes["agreeing"] == [None, ["marketing", "sales"]]
    review = AuditEntry.objects.get(action="review", object_type="runbook.definition")
    assert review.changes["revision"] == [None, 1]


@pytest.mark.parametrize("agreeing", [(), ("sales",), ("sales", "marketing"),
                                      ("cs", "marketing", "sales")])
def test_the_create_entry_names_every_agreeing_function_however_many(lead, agreeing):
    make_definition("Sales velocity", agreeing=agreeing, actor=lead)
    entry = AuditEntry.objects.get(action="create", object_type="runbook.definition")
    assert entry.changes["agreeing"] == [None, sorted(agreeing)]


def test_markdown_is_sanitized_like_a_sections(lead):
    definition = make_definition(body="An MQL <script>alert(1)</script> [x](javascript:1)",
                                 actor=lead)
    html = definition.revisions.get().body_html
    assert "<script" not in html and "javascript:" not in html


def test_a_second_definition_of_the_same_term_is_refused_on_term(lead):
    make_definition("MQL")
    with pytest.raises(ValidationError) as error:
        make_definition("mql")
    assert "term" in error.value.message_dict


def test_revising_on_a_stale_base_is_a_conflict_and_writes_nothing(lead):
    definition = make_definition()
    services.definition_revise(definition=definition, body="v2", base_revision=1, actor=lead,
                               door=Door.API)
    stale = Definition.objects.get(pk=definition.pk)
    stale.revision = 1
    with pytest.raises(services.RevisionConflict) as error:
        services.definition_revise(definition=stale, body="v3", base_revision=1, actor=lead,
                                   door=Door.API)
    assert error.value.detail() == {"base_revision": 1, "current_revision": 2}
    assert DefinitionRevision.objects.filter(definition=definition).count() == 2


def test_a_head_writes_only_definitions_their_function_owns(sales_head):
    ours = make_definition("SQL", owner="sales")
    theirs = make_definition("MQL", owner="marketing")
    services.definition_revise(definition=ours, body="v2", base_revision=1, actor=sales_head,
                               door=Door.UI)
    with pytest.raises(PermissionDenied):
        services.definition_revise(definition=theirs, body="v2", base_revision=1,
                                   actor=sales_head, door=Door.UI)
    with pytest.raises(PermissionDenied) as refused:
        services.definition_review(definition=theirs, actor=sales_head, door=Door.UI)
    assert "review only definitions your function owns, not “MQL”" in str(refused.value)


def test_a_refused_section_review_still_names_sections(sales_head):
    section = make_runbook("Sales-led").sections.exclude(owner__slug="sales").first()
    with pytest.raises(PermissionDenied) as refused:
        services.section_review(section=section, actor=sales_head, door=Door.UI)
    assert "review only sections your function owns" in str(refused.value)


def test_review_state_follows_the_same_rule_as_sections(lead):
    with time_machine.travel(dt.datetime(2026, 1, 10, 12, tzinfo=dt.UTC), tick=False):
        definition = make_definition()
    states = {d.pk: d.review_state for d in selectors.definitions_with_state(
        today=dt.date(2026, 12, 1))}
    assert states[definition.pk] == "stale"
    with time_machine.travel(dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC), tick=False):
        services.definition_review(definition=definition, actor=lead, door=Door.UI)
    states = {d.pk: d.review_state for d in selectors.definitions_with_state(
        today=dt.date(2026, 12, 1))}
    assert states[definition.pk] == "fresh"


def test_each_agreeing_head_confirms_and_a_revision_shows_changed_since_agreed(
        lead, sales_head, marketing_head):
    definition = make_definition(agreeing=("sales", "marketing"))
    assert _agreement(definition) == "awaiting"
    services.definition_agree(definition=definition, actor=sales_head, door=Door.UI)
    assert _agreement(definition) == "awaiting"
    services.definition_agree(definition=definition, actor=marketing_head, door=Door.API)
    assert _agreement(definition) == "agreed"
    services.definition_revise(definition=definition, body="v2", base_revision=1, actor=lead,
                               door=Door.UI)
    assert _agreement(definition) == "changed"
    rows = selectors.agreements_for(Definition.objects.get(pk=definition.pk))
    assert {r["function"].slug: r["current"] for r in rows} == {"sales": False,
                                                                "marketing": False}
    services.definition_agree(definition=definition, actor=sales_head, door=Door.UI)
    services.definition_agree(definition=definition, actor=marketing_head, door=Door.UI)
    assert _agreement(definition) == "agreed"
    assert AuditEntry.objects.filter(action="agree").count() == 4


def test_only_the_head_of_an_agreeing_function_agrees(lead, sales_head, viewer):
    definition = make_definition(agreeing=("marketing",))
    for actor in (lead, sales_head, viewer):
        with pytest.raises(PermissionDenied):
            services.definition_agree(definition=definition, actor=actor, door=Door.UI)
    with pytest.raises(PermissionDenied):
        services.definition_agree(definition=definition, actor=sales_head, door=Door.UI,
                                  function=_fn("marketing"))
    assert not Agreement.objects.exists()


def test_agreeing_to_a_revision_that_moved_on_is_a_conflict(lead, sales_head):
    definition = make_definition(agreeing=("sales",))
    services.definition_revise(definition=definition, body="v2", base_revision=1, actor=lead,
                               door=Door.UI)
    with pytest.raises(services.RevisionConflict):
        services.definition_agree(definition=definition, actor=sales_head, door=Door.API,
                                  revision=1)
    with pytest.raises(ValidationError):
        services.definition_agree(definition=definition, actor=sales_head, door=Door.API)
        services.definition_agree(definition=definition, actor=sales_head, door=Door.API)


def test_the_stale_scan_flags_definitions_and_a_review_closes_the_flag(lead):
    with time_machine.travel(dt.datetime(2026, 1, 10, 12, tzinfo=dt.UTC), tick=False):
        definition = make_definition()
    services.flag_stale_sections(door=Door.TASK, today=dt.date(2026, 12, 1))
    flag = DefinitionStaleFlag.objects.get(definition=definition)
    assert flag.is_open and flag.state == "stale"
    services.definition_review(definition=definition, actor=lead, door=Door.UI)
    flag.refresh_from_db()
    assert not flag.is_open and flag.closed_by is not None


def _agreement(definition):
    return selectors.definitions_with_state(today=dt.date(2026, 12, 1)).get(
        pk=definition.pk).agreement


def test_a_definition_still_stale_is_escalated_once_like_a_section(lead):
    with time_machine.travel(dt.datetime(2026, 1, 10, 12, tzinfo=dt.UTC), tick=False):
        definition = make_definition(owner="marketing", layer="process")
    services.flag_stale_sections(door=Door.TASK, today=dt.date(2026, 11, 1))
    accountable = {"process": _fn("sales").pk}
    kwargs = {"accountable": accountable, "fallback": _fn("revops").pk, "door": Door.TASK}
    assert services.escalate_stale_definitions(today=dt.date(2026, 11, 3), **kwargs) == []
    made = services.escalate_stale_definitions(today=dt.date(2026, 11, 30), **kwargs)
    assert [(d, to) for _, d, _, _, to in made] == [(definition.pk, _fn("sales").pk)]
    assert services.escalate_stale_definitions(today=dt.date(2026, 12, 1), **kwargs) == []
    flag = DefinitionStaleFlag.objects.get(definition=definition)
    assert flag.escalated_to.slug == "sales"
    assert AuditEntry.objects.filter(action="escalate",
                                     object_type="runbook.definitionstaleflag").count() == 1
