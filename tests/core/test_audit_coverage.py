"""Every service that changes state writes the audit trail with the actor and the door it
was given. The table must name every such service: a new one without a row here fails."""

import inspect
from datetime import date, timedelta

import pytest
from django.utils import timezone

from cadence import selectors as cadence_selectors
from cadence import services as cadence
from changes import services as changes
from insights import services as insights
from insights.models import OffTrack
from overview import bootstrap, departures, model_file
from overview import services as overview
from overview.model_file import load as model_file_load
from raci import services as raci
from revops import governance, invitations
from revops import services as core
from revops.models import AuditEntry, Door, Function
from runbook import services as runbook
from runbook.models import Definition
from scim import services as scim
from tests.cadence.factories import ritual
from tests.factories import UserFactory, function
from tests.raci.factories import matrix, row
from tests.runbook.factories import make_definition, make_runbook, section

pytestmark = pytest.mark.django_db

SERVICE_MODULES = [core, governance, invitations, runbook, raci, cadence, changes, bootstrap,
                   model_file_load, overview, departures, scim, insights]


def _sales_section():
    return section(make_runbook(), "process")


def _occurrence():
    return ritual().occurrences.order_by("scheduled_for").first()


def _open_action():
    """An open action item of a ritual (written directly: only its state matters)."""
    from cadence.models import ActionItem

    occurrence = _occurrence()
    return ActionItem.objects.create(
        ritual=occurrence.ritual, occurrence=occurrence, text="Send the call sheet",
        owner=UserFactory(username="action-owner"), due=date(2030, 1, 1))


def _holding_a_token(username):
    person = UserFactory(username=username)
    core.api_token_create(actor=None, door=Door.CLI, user=person, name="sync", scope="read")
    return person


def _heading(username, slug):
    person = UserFactory(username=username)
    Function.objects.filter(slug=slug).update(head=person)
    return person


def _channel():
    return core.channel_create(actor=None, door=Door.CLI, name="#revops", kind="slack",
                               url="https://hooks.example.com/s", events=["raci.changed"])


def _two_row_matrix():
    m = matrix()
    row(m, "Annual plan", {"cro": "A", "revops": "R"})
    row(m, "Lead routing", {"sales": "A", "marketing": "R"})
    return m


def _quarterly_moves(start_month):
    ritual(name="Operating-model refresh", horizon="quarterly", layer="strategy",
           rrule="FREQ=MONTHLY;INTERVAL=3;BYDAY=+2WE;BYHOUR=15;BYMINUTE=0")
    return cadence_selectors.rituals_moved_by_fiscal_year(start_month=start_month,
                                                          now=timezone.now())


def _governed(term):
    """A governed definition of Marketing's. No matrix: the RevOps seat approves its
    changes, covered by its deputy unless someone holds it."""
    Function.objects.filter(slug="revops").update(deputy=UserFactory(username="revops-deputy"))
    return make_definition(term, owner="marketing", governed=True)


def _proposal(*, applied=False):
    """A proposal the head of Marketing opened on a governed definition."""
    proposer = _heading("marketing-head", "marketing")
    definition = _governed("Pipeline")
    proposal = changes.proposal_open(item=definition, fields={"body": "New words."},
                                     reason="Clearer.", actor=proposer, door=Door.CLI)
    if applied:
        approver = Function.objects.get(slug="revops").covered_by
        changes.proposal_approve(proposal=proposal, actor=approver, door=Door.CLI)
        proposal.refresh_from_db()
    return proposal


def _metric(actor=None, door=Door.CLI):
    """A metric nobody owns but the insights layer's Accountable: leads only, here."""
    return insights.metric_create(definition=make_definition("Win rate", layer="insights"),
                                  unit="percent", actor=actor, door=door)


# name -> call(actor, door); each call makes what it needs, then does the one write.
CALLS = {
    "revops.api_token_create": lambda a, d: core.api_token_create(
        actor=a, door=d, user=a, name="bi", scope="read"),
    "revops.api_token_revoke": lambda a, d: core.api_token_revoke(
        actor=a, door=d, token=core.api_token_create(
            actor=None, door=Door.CLI, user=a, name="x", scope="read")[0]),
    "revops.api_tokens_revoke": lambda a, d: core.api_tokens_revoke(
        actor=a, door=d, tokens=[core.api_token_create(
            actor=None, door=Door.CLI, user=a, name="x", scope="read")[0]]),
    "revops.function_create": lambda a, d: core.function_create(
        actor=a, door=d, slug="partners", name="Partners"),
    "revops.function_update": lambda a, d: core.function_update(
        actor=a, door=d, function=function("cs"), name="Customer success"),
    "revops.person_deactivate": lambda a, d: core.person_deactivate(
        actor=a, door=d, person=UserFactory(username="leaving")),
    "revops.person_reactivate": lambda a, d: core.person_reactivate(
        actor=a, door=d, person=UserFactory(username="back", is_active=False)),
    "revops.leads_change": lambda a, d: core.leads_change(
        actor=a, door=d, add=[UserFactory(username="new-lead")]),
    "revops.invitation_send": lambda a, d: invitations.invitation_send(
        user=UserFactory(username="invitee"), functions=[function("cs")], actor=a, door=d),
    "revops.profile_update": lambda a, d: core.profile_update(
        actor=a, door=d, user=a, time_zone="Europe/London"),
    "revops.webhook_create": lambda a, d: core.webhook_create(
        actor=a, door=d, url="https://hooks.example.com/x", events=["raci.changed"]),
    "revops.webhook_update": lambda a, d: core.webhook_update(
        actor=a, door=d, active=False, webhook=core.webhook_create(
            actor=None, door=Door.CLI, url="https://h.example.com", events=["raci.changed"])),
    "revops.channel_create": lambda a, d: core.channel_create(
        actor=a, door=d, name="Team", kind="email", address="t@example.com",
        events=["section.stale"]),
    "revops.channel_update": lambda a, d: core.channel_update(
        actor=a, door=d, active=False, channel=_channel()),
    "revops.channel_delete": lambda a, d: core.channel_delete(
        actor=a, door=d, channel=_channel()),
    "runbook.flag_stale_sections": lambda a, d: (
        make_runbook(), runbook.flag_stale_sections(actor=a, door=d)),
    "runbook.concern_raise": lambda a, d: runbook.concern_raise(
        section=_sales_section(), reason="Looks old", actor=a, door=d),
    "runbook.escalate_stale_sections": lambda a, d: runbook.escalate_stale_sections(
        accountable={}, fallback=function("revops").pk, actor=a, door=d) if (
        make_runbook(), runbook.flag_stale_sections(
            door=Door.CLI, today=date.today() - timedelta(days=30))) else None,
    "runbook.release_create": lambda a, d: runbook.release_create(
        runbook=make_runbook(), name="v1", actor=a, door=d),
    "runbook.runbook_create": lambda a, d: runbook.runbook_create(
        title="Product-led", actor=a, door=d),
    "runbook.runbook_archive": lambda a, d: runbook.runbook_archive(
        runbook=make_runbook(), actor=a, door=d),
    "runbook.runbook_update": lambda a, d: runbook.runbook_update(
        runbook=make_runbook(), title="Renamed", actor=a, door=d),
    "runbook.escalate_stale_definitions": lambda a, d: (
        make_definition(),
        runbook.flag_stale_sections(door=Door.CLI, today=date.today() + timedelta(days=780)),
        runbook.escalate_stale_definitions(accountable={}, fallback=function("revops").pk,
                                           actor=a, door=d,
                                           today=date.today() + timedelta(days=800))),
    "runbook.definition_create": lambda a, d: make_definition(actor=a, door=d),
    "runbook.definition_update": lambda a, d: runbook.definition_update(
        definition=make_definition(), layer="insights", actor=a, door=d),
    "runbook.definition_revise": lambda a, d: runbook.definition_revise(
        definition=make_definition(), body="v2", base_revision=1, actor=a, door=d),
    "runbook.definition_review": lambda a, d: runbook.definition_review(
        definition=make_definition(), actor=a, door=d),
    "runbook.definition_agree": lambda a, d: runbook.definition_agree(
        definition=make_definition(agreeing=("revops",)), actor=a, door=d),
    "runbook.section_review": lambda a, d: runbook.section_review(
        section=_sales_section(), actor=a, door=d, note="still true"),
    "runbook.section_revise": lambda a, d: runbook.section_revise(
        section=(s := _sales_section()), body="# New", base_revision=s.revision, actor=a,
        door=d),
    "runbook.section_update": lambda a, d: runbook.section_update(
        section=_sales_section(), title="Process", owner=function("cs"), actor=a, door=d),
    "raci.cell_set": lambda a, d: raci.cell_set(
        row=_two_row_matrix().rows.get(name="Lead routing"), function=function("cs"),
        letter="C", actor=a, door=d),
    "raci.matrix_create": lambda a, d: raci.matrix_create(title="New", actor=a, door=d),
    "raci.matrix_import": lambda a, d: raci.matrix_import(
        matrix=matrix(), text="name,layer,revops,sales\nDeal desk,process,R,A\n",
        actor=a, door=d),
    "raci.matrix_archive": lambda a, d: raci.matrix_archive(
        matrix=matrix(), actor=a, door=d),
    "raci.matrix_update": lambda a, d: raci.matrix_update(
        matrix=matrix(), title="Renamed", actor=a, door=d),
    "raci.row_create": lambda a, d: raci.row_create(
        matrix=matrix(), name="Deal desk", cells={"sales": "A"}, actor=a, door=d),
    "raci.row_delete": lambda a, d: raci.row_delete(
        row=_two_row_matrix().rows.first(), actor=a, door=d),
    "raci.row_move": lambda a, d: raci.row_move(
        row=_two_row_matrix().rows.get(name="Lead routing"), direction="up", actor=a,
        door=d),
    "raci.row_reassign": lambda a, d: raci.row_reassign(
        row=_two_row_matrix().rows.get(name="Lead routing"), to=function("marketing"),
        previous_becomes="R", actor=a, door=d),
    "raci.row_update": lambda a, d: raci.row_update(
        row=_two_row_matrix().rows.first(), name="Annual revenue plan", actor=a, door=d),
    "raci.rows_reorder": lambda a, d: raci.rows_reorder(
        matrix=(m := _two_row_matrix()),
        row_ids=list(m.rows.order_by("-position").values_list("pk", flat=True)),
        actor=a, door=d),
    "raci.signoff_create": lambda a, d: raci.signoff_create(
        matrix=_two_row_matrix(), function=function("revops"), actor=a, door=d),
    "cadence.feed_token_create": lambda a, d: cadence.feed_token_create(
        user=a, actor=a, door=d),
    "cadence.feed_token_revoke": lambda a, d: cadence.feed_token_revoke(
        token=cadence.feed_token_create(user=a, actor=None, door=Door.CLI)[0], actor=a,
        door=d),
    "cadence.feed_tokens_revoke": lambda a, d: cadence.feed_tokens_revoke(
        tokens=[cadence.feed_token_create(user=a, actor=None, door=Door.CLI)[0]], actor=a,
        door=d),
    "cadence.mark_missed": None,  # a system job: covered in test_system_jobs_are_audited
    "cadence.raise_due_revisits": None,  # a system job: tests/cadence/test_outcomes.py
    "cadence.action_complete": lambda a, d: cadence.action_complete(
        action=_open_action(), actor=a, door=d),
    "cadence.action_drop": lambda a, d: cadence.action_drop(
        action=_open_action(), reason="Done elsewhere", actor=a, door=d),
    "cadence.occurrence_record": lambda a, d: cadence.occurrence_record(
        occurrence=_occurrence(), status="skipped", notes="holiday", actor=a, door=d),
    "cadence.ritual_create": lambda a, d: cadence.ritual_create(
        actor=a, door=d, name="Systems standup", horizon="weekly", layer="systems",
        rrule="FREQ=WEEKLY;BYDAY=TU;BYHOUR=10;BYMINUTE=0", owner=function("revops"),
        output="Ticket list"),
    "cadence.ritual_delete": lambda a, d: cadence.ritual_delete(
        ritual=ritual(), actor=a, door=d),
    "cadence.ritual_archive": lambda a, d: cadence.ritual_archive(
        ritual=ritual(), actor=a, door=d),
    "cadence.ritual_update": lambda a, d: cadence.ritual_update(
        ritual=ritual(), duration_minutes=45, actor=a, door=d),
    "overview.add_core_definitions": lambda a, d: bootstrap.add_core_definitions(
        sections={}, default_motion="sales-led", actor=a, door=d),
    "overview.add_starting_metrics": lambda a, d: bootstrap.add_starting_metrics(
        motion="product-led", sections={}, default_motion="product-led", actor=a, door=d),
    "insights.metric_create": lambda a, d: _metric(actor=a, door=d),
    "insights.metric_update": lambda a, d: insights.metric_update(
        metric=_metric(), name="Renamed", actor=a, door=d),
    "insights.target_set": lambda a, d: insights.target_set(
        metric=_metric(), target=30, actor=a, door=d),
    "insights.value_record": lambda a, d: insights.value_record(
        metric=_metric(), period="2026-W09", value=3, actor=a, door=d),
    "insights.values_record_many": lambda a, d: insights.values_record_many(
        lines=[{"metric": _metric().slug, "period": "2026-W09", "value": 3}], actor=a, door=d),
    "insights.off_track_note": lambda a, d: insights.off_track_note(
        item=OffTrack.objects.create(metric=_metric(), since="2026-W08", latest="2026-W09"),
        reason="Two sellers left.", actor=a, door=d),
    "overview.bootstrap": lambda a, d: bootstrap.bootstrap(motion="sales-led", actor=a, door=d),
    "overview.archive_model": lambda a, d: bootstrap.archive_model(
        actor=a, door=d, now=None) if ritual() else None,
    "overview.import_model": lambda a, d: model_file.import_model(document={
        "format": "revops-model/1", "exported_at": "2026-03-01T00:00:00+00:00",
        "fiscal_year_start_month": 1, "people": [], "functions": [], "runbooks": [],
        "raci": [], "rituals": []}, actor=a, door=d),
    "overview.person_hand_over": lambda a, d: overview.person_hand_over(
        actor=a, door=d, person=_holding_a_token("leaver"),
        successor=UserFactory(username="heir")),
    "overview.departure_record": lambda a, d: departures.departure_record(
        actor=a, door=d, person=UserFactory(username="leaver"), leaves_on=date.today()),
    "overview.departure_cancel": lambda a, d: departures.departure_cancel(
        actor=a, door=d, departure=departures.departure_record(
            actor=None, door=Door.CLI, person=UserFactory(username="leaver"),
            leaves_on=date.today())),
    "overview.person_leaves": lambda a, d: departures.person_leaves(
        actor=a, door=d, person=_holding_a_token("leaver")),
    "overview.handover_item_accept": lambda a, d: departures.handover_item_accept(
        actor=a, door=d, item=overview.person_hand_over(
            actor=None, door=Door.CLI, person=_heading("leaver", "cs"), successor=a,
        ).record.items.first()),
    "cadence.rituals_give_owner_person": lambda a, d: cadence.rituals_give_owner_person(
        rituals=[ritual()], owner_person=a, actor=a, door=d),
    "cadence.actions_give_owner": lambda a, d: cadence.actions_give_owner(
        actions=[_open_action()], owner=a, actor=a, door=d),
    "scim.user_provision": lambda a, d: scim.user_provision(
        actor=a, door=d, username="dana", email="dana@example.com", external_id="00u1"),
    "scim.user_update": lambda a, d: scim.user_update(
        actor=a, door=d, user=UserFactory(username="dana"), first_name="Dana"),
    "scim.user_delete": lambda a, d: scim.user_delete(
        actor=a, door=d, user=_holding_a_token("leaver")),
    "overview.organisation_update": lambda a, d: overview.organisation_update(
        actor=a, door=d, fiscal_year_start_month=4),
    "cadence.rituals_follow_fiscal_year": lambda a, d: cadence.rituals_follow_fiscal_year(
        moves=_quarterly_moves(2), actor=a, door=d),
    "revops.governed_set": lambda a, d: governance.governed_set(
        item=make_definition("Pipeline"), governed=True, actor=a, door=d),
    "changes.proposal_open": lambda a, d: changes.proposal_open(
        item=_governed("ARR"), fields={"body": "x"}, reason="y", actor=a, door=d),
    "changes.proposal_update": lambda a, d: changes.proposal_update(
        proposal=_proposal(), reason="Clearer still.", actor=a, door=d),
    "changes.proposal_withdraw": lambda a, d: changes.proposal_withdraw(
        proposal=_proposal(), actor=a, door=d),
    "changes.proposal_approve": lambda a, d: changes.proposal_approve(
        proposal=_proposal(), actor=a, door=d),
    "changes.proposal_reject": lambda a, d: changes.proposal_reject(
        proposal=_proposal(), note="Not now.", actor=a, door=d),
    "changes.proposal_comment": lambda a, d: changes.proposal_comment(
        proposal=_proposal(), body="Fine.", actor=a, door=d),
    "changes.proposal_revert": lambda a, d: changes.proposal_revert(
        proposal=_proposal(applied=True), reason="Back.", actor=a, door=d),
    "changes.acknowledge": lambda a, d: changes.acknowledge(
        item=Definition.objects.get(pk=_proposal(applied=True).item_id), actor=a, door=d),
    "overview.maturity_assess": lambda a, d: overview.maturity_assess(
        actor=a, door=d, people=3, process=4, data=2, technology=5,
        people_evidence="p", process_evidence="p", data_evidence="d",
        technology_evidence="t"),
}


def audited_services():
    names = set()
    for module in SERVICE_MODULES:
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            defined_here = (fn.__module__ == module.__name__
                            or fn.__module__.startswith(f"{module.__name__}."))  # a package
            if defined_here and not name.startswith("_") \
                    and "door" in inspect.signature(fn).parameters:
                names.add(f"{module.__name__.split('.')[0]}.{name}")
    return names


def test_the_table_names_every_service_that_takes_a_door():
    assert set(CALLS) == audited_services()


# Writes only a function's head may make: the actor is made head of RevOps first.
SIGNED_BY_A_HEAD = {"raci.signoff_create", "runbook.definition_agree", "changes.proposal_approve",
                    "changes.proposal_reject", "changes.acknowledge"}


@pytest.mark.parametrize("door", [Door.UI, Door.API, Door.CONSOLE])
@pytest.mark.parametrize("name", sorted(n for n, call in CALLS.items() if call))
def test_each_write_is_audited_with_its_actor_and_door(name, door, lead):
    if name in SIGNED_BY_A_HEAD:
        Function.objects.filter(slug="revops").update(head=lead)
    before = AuditEntry.objects.filter(actor=lead, door=door).count()
    CALLS[name](lead, door)
    assert AuditEntry.objects.filter(actor=lead, door=door).count() > before, name


def test_system_jobs_are_audited_as_system(time_machine):
    occurrence = _occurrence()
    time_machine.move_to(occurrence.scheduled_for + timedelta(days=5))
    cadence.mark_missed(door=Door.TASK)
    entry = AuditEntry.objects.filter(door=Door.TASK).latest("id")
    assert entry.actor is None and entry.actor_name == "system"
