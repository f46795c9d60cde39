"""Proposals: opened by whoever may edit the item, routed by the RACI of its layer,
decided by its approver, applied as one revision by the proposer."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from changes import selectors, services
from changes.models import State
from changes.routing import NoApprover
from revops import events
from revops.errors import Refused
from revops.models import Door, Function
from runbook import services as runbook_services
from runbook.models import Definition
from tests.changes.helpers import propose
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MONDAY = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def test_the_layers_accountable_approves_and_it_applies_as_one_revision_by_the_proposer(
        mql, people):
    proposal = propose(mql, people["marketing"])
    assert proposal.base == {"body": "A lead with a **score** of 60 or more.", "formula": ""}
    assert selectors.approver_of(proposal) == people["sales"]
    services.proposal_approve(proposal=proposal, actor=people["sales"], door=Door.UI,
                              note="Agreed.")
    proposal = fresh(proposal)
    mql = fresh(mql)
    assert proposal.state == State.APPLIED and proposal.applied_version == "2"
    assert mql.revision == 2
    revision = mql.revisions.get(number=2)
    assert revision.created_by == people["marketing"]
    assert revision.body == "A lead that asked for a demo."
    assert revision.summary.startswith(f"Proposal {proposal.pk}: Sales only works")
    assert mql.revisions.count() == 2


def test_events_say_opened_approved_and_applied(mql, people, monkeypatch):
    emitted = []
    monkeypatch.setattr(events, "emit", lambda name, payload: emitted.append((name, payload)))
    proposal = propose(mql, people["marketing"])
    services.proposal_approve(proposal=proposal, actor=people["sales"], door=Door.UI)
    names = [name for name, _ in emitted if name.startswith("proposal.")]
    assert names == ["proposal.opened", "proposal.approved", "proposal.applied"]
    assert emitted[-1][1]["applied_version"] == "2"
    assert emitted[-1][1]["proposer"] == "head-marketing"


def test_a_reason_is_required_and_nothing_is_proposed_without_one(mql, people):
    with pytest.raises(ValidationError) as error:
        propose(mql, people["marketing"], reason="  ")
    assert "reason" in error.value.message_dict
    assert not selectors.proposals().exists()


def test_unknown_fields_and_past_effective_dates_are_refused_by_field(mql, people):
    with pytest.raises(ValidationError) as error:
        propose(mql, people["marketing"], fields={"term": "SQL"})
    assert "fields" in error.value.message_dict
    with time_machine.travel(MONDAY), pytest.raises(ValidationError) as error:
        propose(mql, people["marketing"], effective_on=dt.date(2026, 3, 1))
    assert "effective_on" in error.value.message_dict


def test_only_someone_allowed_to_edit_the_item_may_propose(mql, people):
    with pytest.raises(Refused):
        propose(mql, people["finance"])


def test_a_vacant_accountable_seat_is_approved_by_its_deputy(mql, people):
    deputy = UserFactory(username="sales-deputy")
    Function.objects.filter(slug="sales").update(head=None, deputy=deputy)
    proposal = propose(mql, people["marketing"])
    with pytest.raises(Refused):
        services.proposal_approve(proposal=proposal, actor=people["sales"], door=Door.UI)
    services.proposal_approve(proposal=proposal, actor=deputy, door=Door.UI)
    assert fresh(proposal).state == State.APPLIED


def test_no_one_approves_their_own_change_the_revops_seat_does(mql, people):
    Function.objects.filter(slug="marketing").update(head=people["sales"])
    proposal = propose(mql, people["sales"])
    assert selectors.approver_of(proposal) == people["lead"]
    with pytest.raises(Refused, match="their own change"):
        services.proposal_approve(proposal=proposal, actor=people["sales"], door=Door.UI)
    services.proposal_approve(proposal=proposal, actor=people["lead"], door=Door.UI)
    assert fresh(proposal).decided_by == people["lead"]


def test_a_proposer_holding_both_seats_is_refused_naming_the_rule(mql, people):
    Function.objects.filter(slug="sales").update(head=people["lead"])
    with pytest.raises(NoApprover) as refused:
        propose(mql, people["lead"])
    assert refused.value.detail() == {"rule": "no_self_approval"}
    assert not selectors.proposals().exists()


def test_rejection_needs_a_note_and_changes_nothing(mql, people):
    proposal = propose(mql, people["marketing"])
    with pytest.raises(ValidationError):
        services.proposal_reject(proposal=proposal, actor=people["sales"], door=Door.UI, note="")
    services.proposal_reject(proposal=proposal, actor=people["sales"], door=Door.UI,
                             note="Demo requests are a sales-qualified signal.")
    assert fresh(proposal).state == State.REJECTED
    assert fresh(mql).revision == 1


def test_the_proposer_withdraws_and_others_may_not(mql, people):
    proposal = propose(mql, people["marketing"])
    with pytest.raises(Refused):
        services.proposal_withdraw(proposal=proposal, actor=people["cs"], door=Door.UI)
    services.proposal_withdraw(proposal=proposal, actor=people["marketing"], door=Door.UI)
    assert fresh(proposal).state == State.WITHDRAWN
    with pytest.raises(ValidationError):
        services.proposal_approve(proposal=proposal, actor=people["sales"], door=Door.UI)


def test_a_consulted_head_objects_and_the_objection_does_not_block(mql, people):
    proposal = propose(mql, people["marketing"])
    with pytest.raises(Refused):
        services.proposal_comment(proposal=proposal, body="No.", objection=True,
                                  actor=people["finance"], door=Door.UI)
    services.proposal_comment(proposal=proposal, body="Fine by finance.",
                              actor=people["finance"], door=Door.UI)
    comment = services.proposal_comment(proposal=proposal, body="Demo requests are rare.",
                                        objection=True, actor=people["cs"], door=Door.UI)
    assert comment.function.slug == "cs"
    assert selectors.proposal_detail(proposal.pk).objections == 1
    services.proposal_approve(proposal=proposal, actor=people["sales"], door=Door.UI)
    assert fresh(proposal).state == State.APPLIED


def test_an_effective_date_applies_it_on_that_day_by_the_daily_job_once(mql, people):
    with time_machine.travel(MONDAY):
        proposal = propose(mql, people["marketing"], effective_on=dt.date(2026, 3, 5))
        services.proposal_approve(proposal=proposal, actor=people["sales"], door=Door.UI)
        assert fresh(proposal).state == State.APPROVED
        assert services.apply_due_proposals() == []
        assert fresh(mql).revision == 1
    with time_machine.travel(MONDAY + dt.timedelta(days=3)):
        assert [p.pk for p in services.apply_due_proposals()] == [proposal.pk]
        assert services.apply_due_proposals() == []
    proposal = fresh(proposal)
    assert proposal.state == State.APPLIED
    assert fresh(mql).revision == 2
    assert fresh(mql).revisions.get(number=2).door == Door.TASK


def test_the_second_of_two_open_proposals_is_out_of_date_and_applies_after_a_rebase(mql,
                                                                                     people):
    first = propose(mql, people["marketing"], body="First wording.")
    second = propose(mql, people["marketing"], body="Second wording.")
    services.proposal_approve(proposal=first, actor=people["sales"], door=Door.UI)
    assert selectors.is_out_of_date(fresh(second), fresh(mql))
    with pytest.raises(services.OutOfDate) as conflict:
        services.proposal_approve(proposal=second, actor=people["sales"], door=Door.UI)
    assert conflict.value.detail()["rule"] == "out_of_date"
    services.proposal_update(proposal=second, actor=people["marketing"], door=Door.UI,
                             fields={"body": "First wording, then the second."})
    second = fresh(second)
    assert second.base_version == "2" and second.base["body"] == "First wording."
    services.proposal_approve(proposal=second, actor=people["sales"], door=Door.UI)
    assert fresh(mql).revisions.get(number=3).body == "First wording, then the second."


def test_a_scheduled_proposal_overtaken_by_another_stays_approved_until_rebased(mql, people):
    with time_machine.travel(MONDAY):
        later = propose(mql, people["marketing"], body="Later.",
                        effective_on=dt.date(2026, 3, 4))
        services.proposal_approve(proposal=later, actor=people["sales"], door=Door.UI)
        now = propose(mql, people["marketing"], body="Now.")
        services.proposal_approve(proposal=now, actor=people["sales"], door=Door.UI)
    with time_machine.travel(MONDAY + dt.timedelta(days=2)):
        assert services.apply_due_proposals() == []
    assert fresh(later).state == State.APPROVED
    services.proposal_update(proposal=later, actor=people["marketing"], door=Door.UI)
    assert fresh(later).state == State.OPEN


def test_propose_reverting_an_applied_change_proposes_the_previous_version(mql, people):
    proposal = propose(mql, people["marketing"])
    services.proposal_approve(proposal=proposal, actor=people["sales"], door=Door.UI)
    revert = services.proposal_revert(proposal=fresh(proposal), reason="Too strict.",
                                      actor=people["marketing"], door=Door.UI)
    assert revert.reverts == proposal
    assert revert.fields["body"] == "A lead with a **score** of 60 or more."
    services.proposal_approve(proposal=revert, actor=people["sales"], door=Door.UI)
    assert fresh(mql).revisions.get(number=3).body == "A lead with a **score** of 60 or more."


def test_an_approved_proposal_may_not_write_another_item(mql, people):
    """The way through governance covers the proposal's own item and nothing else."""
    from revops import governance

    other = Definition.objects.get(pk=mql.pk)
    proposal = propose(mql, people["marketing"])
    proposal.item_id = other.pk + 1000
    with governance.applying(proposal), pytest.raises(governance.Governed):
        runbook_services.definition_revise(definition=other, body="x", base_revision=1,
                                           actor=people["marketing"], door=Door.CLI)


def test_the_approver_and_consulted_are_asked_and_the_informed_told_by_e_mail(mql, people):
    from revops.models import Mail

    proposal = propose(mql, people["marketing"])
    asked = {(m.to[0], m.subject) for m in Mail.objects.all()}
    assert asked == {("head-sales@example.com", "Decide a change to “MQL”"),
                     ("head-cs@example.com", "Consulted: a change to “MQL”")}
    Mail.objects.all().delete()
    services.proposal_approve(proposal=proposal, actor=people["sales"], door=Door.UI)
    told = sorted((m.to[0], m.subject) for m in Mail.objects.all())
    assert ("head-finance@example.com", "Changed: “MQL”") in told
    assert {to for to, subject in told if subject.startswith("Please read")} == {
        "head-sales@example.com", "head-marketing@example.com", "head-cs@example.com"}
