"""A ritual's decision opens a draft proposal; the impact list; the daily task."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from changes import impact, services, tasks
from changes.models import State
from revops import outbox, registry
from revops import services as core_services
from revops.models import Door, Mail
from tests.changes.helpers import propose
from tests.raci import factories as raci_factories
from tests.runbook.factories import make_definition, make_runbook

pytestmark = pytest.mark.django_db


def test_a_decision_linked_to_a_governed_item_opens_a_draft_its_owner_completes(mql, people):
    registry.tell("decision.recorded", item=mql, reason="Council: MQL needs a demo request.",
                  by=people["marketing"], decision="Revenue council, 2 March")
    assert services.proposal_from_decision in registry._listeners["decision.recorded"]
    draft = mql_proposals(mql).get()
    assert draft.reason == "Council: MQL needs a demo request."
    assert draft.decision == "Revenue council, 2 March"
    assert draft.fields == draft.base
    with pytest.raises(ValidationError, match="changes nothing"):
        services.proposal_approve(proposal=draft, actor=people["sales"], door=Door.UI)
    services.proposal_update(proposal=draft, actor=people["marketing"], door=Door.UI,
                             fields={"body": "A lead that asked for a demo."})
    services.proposal_approve(proposal=draft, actor=people["sales"], door=Door.UI)
    assert mql_proposals(mql).get().state == State.APPLIED


def test_a_decision_on_an_ungoverned_item_or_by_someone_who_may_not_propose_opens_nothing(
        mql, people):
    free = make_definition("SQL", owner="sales", layer="process")
    registry.tell("decision.recorded", item=free, reason="x", by=people["sales"], decision="d")
    registry.tell("decision.recorded", item=mql, reason="x", by=people["finance"], decision="d")
    assert not mql_proposals(mql).exists() and not mql_proposals(free).exists()


def mql_proposals(definition):
    from changes import selectors

    return selectors.proposals().filter(kind="definition", item_id=definition.pk)


def test_the_impact_lists_linking_sections_releases_rows_and_what_a_higher_app_adds(
        mql, people, matrix):
    book = make_runbook(actor=people["lead"])
    section = book.sections.get(kind="process")
    from runbook import services as runbook_services

    runbook_services.section_revise(section=section, body="Route every [[MQL]] in 2 hours.",
                                    base_revision=1, actor=people["lead"], door=Door.CLI)
    runbook_services.release_create(runbook=book, name="Q1", actor=people["lead"],
                                    door=Door.CLI)
    raci_factories.row(matrix, "Lead scoring", {"marketing": "A"})

    def metrics(*, item, proposal):
        return {"title": "Metrics built on it", "items": [f"MQL→SQL rate ({item})"]}
    registry.add_panel("changes.impact", metrics)
    try:
        proposal = propose(mql, people["marketing"])
        found = impact.impact_of(proposal, mql)
    finally:
        registry._panels["changes.impact"].remove(metrics)
    assert [s.pk for s in found.sections] == [section.pk]
    assert [r.name for r in found.releases] == ["Q1"]
    assert {r.name for r in found.rows} == {"Process and workflow", "Lead scoring"}
    assert found.panels == [{"title": "Metrics built on it", "items": ["MQL→SQL rate (MQL)"]}]


def test_the_daily_task_applies_what_is_due_on_the_day_it_is_given(mql, people):
    proposal = propose(mql, people["marketing"],
                       effective_on=timezone.localdate() + dt.timedelta(days=2))
    services.proposal_approve(proposal=proposal, actor=people["sales"], door=Door.UI)
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    assert tasks.apply_due_proposals.delay(tomorrow).get() == {"applied": []}
    due = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    assert tasks.apply_due_proposals.delay(due).get() == {"applied": [proposal.pk]}


def test_a_proposal_on_a_process_item_reaches_the_process_channel_not_the_strategy_one(
        mql, people):
    for name, layers in (("process", ["process"]), ("strategy", ["strategy"]),
                         ("everything", [])):
        core_services.channel_create(actor=None, door=Door.CLI, name=name, kind="email",
                                     address=f"{name}@example.com", layers=layers,
                                     events=["proposal.opened"])
    propose(mql, people["marketing"])
    outbox.drain()
    told = {m.to[0]: m.body for m in Mail.objects.filter(subject="Change proposed")}
    assert sorted(told) == ["everything@example.com", "process@example.com"]
    assert all("Change to “MQL” proposed by head-marketing" in body for body in told.values())


def test_a_channel_message_says_what_changed_and_links_the_proposal(mql, people):
    from changes.payloads import proposal_payload

    proposal = propose(mql, people["marketing"], effective_on=dt.date(2030, 3, 5))
    item = registry.describer("proposal.applied")(proposal_payload(proposal))
    assert item.text.startswith("Change to “MQL” took effect on")
    assert item.path == f"/changes/proposals/{proposal.pk}/"
    opened = registry.describer("proposal.opened")(proposal_payload(proposal))
    assert opened.text == "Change to “MQL” proposed by head-marketing"
