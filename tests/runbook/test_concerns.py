"""Readers' concerns ("this looks out of date"): anyone signed in raises one, one open
per person and section (held by the database), the owner's head is told, and the next
review or revision answers them all and tells each raiser."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from revops import outbox
from revops.errors import Refused
from revops.models import AuditEntry, Door, Function, Webhook, WebhookDelivery
from runbook import selectors, services
from runbook.models import Concern
from tests.factories import UserFactory
from tests.runbook.factories import section

pytestmark = pytest.mark.django_db


@pytest.fixture
def process(runbook):
    """The process section, handed to Sales."""
    return services.section_update(section=section(runbook, "process"), actor=None,
                                   door=Door.CLI, owner=Function.objects.get(slug="sales"))


@pytest.fixture
def hooks():
    return Webhook.objects.create(
        url="https://hooks.example.com/c", secret="s",
        events=["section.concern_raised", "section.concern_resolved"])


def test_a_viewer_raises_a_concern_and_the_owners_head_is_told(process, viewer, sales_head,
                                                               hooks):
    concern = services.concern_raise(section=process, reason="  The SLA is 2h now, not 4h. ",
                                     actor=viewer, door=Door.UI)
    assert (concern.reason, concern.raised_by, concern.is_open) == (
        "The SLA is 2h now, not 4h.", viewer, True)
    assert AuditEntry.objects.filter(action="raise_concern", actor=viewer).count() == 1
    payload = WebhookDelivery.objects.get(event="section.concern_raised").payload["data"]
    assert (payload["id"], payload["reason"], payload["by"]) == (
        process.pk, "The SLA is 2h now, not 4h.", "viewer")
    outbox.drain()
    [message] = mail.outbox
    assert message.to == [sales_head.email]
    assert "The SLA is 2h now, not 4h." in message.body
    assert f"/runbook/sections/{process.pk}/" in message.body


def test_a_second_open_concern_by_the_same_person_is_refused_naming_reason(process, viewer):
    services.concern_raise(section=process, reason="Old SLA", actor=viewer, door=Door.API)
    with pytest.raises(ValidationError) as refused:
        services.concern_raise(section=process, reason="Again", actor=viewer, door=Door.API)
    assert "already have an open concern" in refused.value.message_dict["reason"][0]
    assert Concern.objects.count() == 1
    # Someone else may; and so may the same person once theirs was answered.
    services.concern_raise(section=process, reason="Me too", actor=UserFactory(),
                           door=Door.API)
    services.section_review(section=process, actor=None, door=Door.CLI, note="Fixed")
    services.concern_raise(section=process, reason="Still old", actor=viewer, door=Door.API)
    assert Concern.objects.filter(resolved_at__isnull=True).count() == 1


def test_the_database_holds_one_open_concern_per_person_and_section(process, viewer):
    Concern.objects.create(section=process, raised_by=viewer, reason="a", door=Door.CLI)
    with pytest.raises(IntegrityError), transaction.atomic():
        Concern.objects.create(section=process, raised_by=viewer, reason="b", door=Door.CLI)


@pytest.mark.parametrize(("reason", "rule"), [
    ("", "Say what looks out of date."),
    ("   ", "Say what looks out of date."),
    ("x" * 1001, "keep it under 1000"),
])
def test_a_reason_empty_or_too_long_is_refused_naming_reason(process, viewer, reason, rule):
    with pytest.raises(ValidationError) as refused:
        services.concern_raise(section=process, reason=reason, actor=viewer, door=Door.UI)
    assert rule in refused.value.message_dict["reason"][0]
    assert not Concern.objects.exists()


def test_a_reason_of_exactly_1000_characters_is_kept(process, viewer):
    concern = services.concern_raise(section=process, reason="x" * 1000, actor=viewer,
                                     door=Door.UI)
    assert len(concern.reason) == 1000


def test_signed_out_or_inactive_people_cannot_raise_one(process):
    from django.contrib.auth.models import AnonymousUser

    for actor in (AnonymousUser(), UserFactory(is_active=False)):
        with pytest.raises(Refused):
            services.concern_raise(section=process, reason="x", actor=actor, door=Door.UI)
    assert not Concern.objects.exists()


def test_a_review_answers_every_open_concern_with_its_note_and_tells_each_raiser(
        process, viewer, sales_head, hooks):
    other = UserFactory(username="other")
    for who in (viewer, other):
        services.concern_raise(section=process, reason=f"{who} thinks so", actor=who,
                               door=Door.UI)
    outbox.drain()
    mail.outbox.clear()
    services.section_review(section=process, actor=sales_head, door=Door.UI,
                            note="SLA updated to 2h")
    assert set(Concern.objects.values_list("resolved_by", "answer")) == {
        (sales_head.pk, "SLA updated to 2h")}
    assert not selectors.open_concerns_for(None).exists()
    resolved = WebhookDelivery.objects.filter(event="section.concern_resolved")
    assert sorted(d.payload["data"]["answer"] for d in resolved) == ["SLA updated to 2h"] * 2
    audit = AuditEntry.objects.filter(action="review").latest("at")
    assert audit.changes["concerns_answered"] == [None, 2]
    outbox.drain()
    assert sorted(m.to[0] for m in mail.outbox) == sorted([viewer.email, other.email])
    assert all("SLA updated to 2h" in m.body for m in mail.outbox)


def test_a_new_revision_not_marked_reviewed_answers_with_its_summary(process, viewer,
                                                                     sales_head):
    services.concern_raise(section=process, reason="Old", actor=viewer, door=Door.UI)
    services.section_revise(section=process, body="# Process\n\nNew SLA: 2h.",
                            base_revision=process.revision, summary="New SLA",
                            mark_reviewed=False, actor=sales_head, door=Door.UI)
    concern = Concern.objects.get()
    assert (concern.is_open, concern.answer, concern.resolved_by) == (False, "New SLA",
                                                                       sales_head)


def test_a_refused_review_answers_nothing(process, viewer, marketing_head):
    services.concern_raise(section=process, reason="Old", actor=viewer, door=Door.UI)
    with pytest.raises(Refused):
        services.section_review(section=process, actor=marketing_head, door=Door.UI)
    assert Concern.objects.get().is_open


def test_open_concerns_for_lists_a_functions_open_concerns_oldest_first(
        runbook, process, viewer, sales_head):
    sales, cro = Function.objects.get(slug="sales"), Function.objects.get(slug="cro")
    first = services.concern_raise(section=section(runbook, "process"), reason="1",
                                   actor=viewer, door=Door.UI)
    services.concern_raise(section=section(runbook, "strategy"), reason="cro's",
                           actor=viewer, door=Door.UI)
    second = services.concern_raise(section=section(runbook, "process"), reason="2",
                                    actor=sales_head, door=Door.UI)
    assert list(selectors.open_concerns_for(sales)) == [first, second]
    assert [c.reason for c in selectors.open_concerns_for(cro)] == ["cro's"]
    annotated = selectors.sections_with_state(today=first.raised_at.date(), runbook=runbook)
    assert {s.kind: s.open_concerns for s in annotated}["process"] == 2
