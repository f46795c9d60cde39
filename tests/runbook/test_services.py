"""The run-book services on the database: creation, revisions, reviews, releases."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction

from revops.models import AuditEntry, Door, Function, Webhook, WebhookDelivery
from runbook import services
from runbook.models import Release, Review, Revision, Runbook, Section, StaleFlag
from tests.runbook.factories import make_runbook, section

pytestmark = pytest.mark.django_db


def test_creating_a_runbook_makes_six_sections_in_order_with_outlines(lead):
    runbook = services.runbook_create(title="Hybrid", motion="hybrid", actor=lead, door=Door.UI)
    sections = list(runbook.sections.order_by("position"))
    assert [s.kind for s in sections] == [
        "strategy", "process", "systems", "insights", "cadence", "playbooks"
    ]
    assert [s.owner.slug for s in sections] == ["cro", "revops", "revops", "revops", "revops",
                                                "revops"]
    assert [s.title for s in sections][0] == "Strategy and planning"
    for s in sections:
        revision = s.revisions.get()
        assert revision.number == 1 and s.revision == 1
        assert revision.body.startswith("## ") and "<h2" in revision.body_html
        assert s.last_reviewed_on is None
    assert runbook.is_default  # the first run book is the default
    assert AuditEntry.objects.filter(action="create", object_type="runbook.runbook").exists()


def test_only_one_default_runbook(lead):
    first = make_runbook("One")
    second = make_runbook("Two", is_default=True)
    first.refresh_from_db()
    assert second.is_default and not first.is_default
    with pytest.raises(IntegrityError), transaction.atomic():
        Runbook.objects.filter(pk=first.pk).update(is_default=True)


def test_duplicate_runbook_title_is_refused(runbook):
    with pytest.raises(ValidationError) as error:
        make_runbook(runbook.title.upper())
    assert "title" in error.value.message_dict


def test_revise_appends_next_number_and_audits(runbook, lead):
    target = section(runbook, "process")
    revision = services.section_revise(
        section=target, body="# Routing", summary="first", base_revision=1, actor=lead,
        door=Door.API, mark_reviewed=False,
    )
    assert revision.number == 2 and revision.base_number == 1
    assert Section.objects.get(pk=target.pk).revision == 2
    entry = AuditEntry.objects.get(action="revise")
    assert entry.door == "api" and entry.actor == lead
    assert entry.changes["revision"] == [1, 2]


def test_revise_on_an_old_base_writes_nothing(runbook, lead):
    target = section(runbook, "process")
    services.section_revise(section=target, body="A", base_revision=1, actor=lead, door=Door.UI)
    stale_copy = Section.objects.get(pk=target.pk)
    with pytest.raises(services.RevisionConflict) as conflict:
        services.section_revise(
            section=stale_copy, body="B", base_revision=1, actor=lead, door=Door.UI
        )
    assert conflict.value.current.number == 2
    assert conflict.value.current.body == "A"
    assert Revision.objects.filter(section=target).count() == 2
    assert Review.objects.filter(section=target).count() == 1


@pytest.mark.parametrize(
    "body, base, field",
    [
        ("", 1, "body"),
        ("  \n\t", 1, "body"),
        ("x" * (200 * 1024 + 1), 1, "body"),
        ("ok", None, "base_revision"),
        ("ok", "1", "base_revision"),
        ("ok", True, "base_revision"),
    ],
)
def test_bad_revision_input_names_the_field_and_writes_nothing(runbook, lead, body, base, field):
    target = section(runbook, "process")
    with pytest.raises(ValidationError) as error:
        services.section_revise(
            section=target, body=body, base_revision=base, actor=lead, door=Door.UI
        )
    assert field in error.value.message_dict
    assert Revision.objects.filter(section=target).count() == 1


def test_body_at_exactly_200_kb_is_accepted(runbook, lead):
    target = section(runbook, "process")
    revision = services.section_revise(
        section=target, body="x" * (200 * 1024), base_revision=1, actor=lead, door=Door.UI
    )
    assert revision.number == 2


def test_revisions_are_append_only(runbook):
    revision = section(runbook, "process").revisions.get()
    revision.body = "changed"
    with pytest.raises(ValidationError):
        revision.save()
    with pytest.raises(ValidationError):
        revision.delete()
    with pytest.raises(ValidationError):
        Revision.objects.filter(pk=revision.pk).update(body="changed")
    with pytest.raises(ValidationError):
        Revision.objects.filter(pk=revision.pk).delete()
    assert Revision.objects.get(pk=revision.pk).body != "changed"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_database_refuses_to_change_or_delete_a_revision(runbook):
    revision = section(runbook, "process").revisions.get()
    for sql in ("UPDATE runbook_revision SET body = 'x' WHERE id = %s",
                "DELETE FROM runbook_revision WHERE id = %s"):
        with pytest.raises(Exception, match="revision_append_only"), transaction.atomic(), \
                connection.cursor() as cursor:
            cursor.execute(sql, [revision.pk])
    assert Revision.objects.filter(pk=revision.pk).exists()


def test_revision_numbers_are_unique_per_section_in_the_database(runbook):
    target = section(runbook, "process")
    with pytest.raises(IntegrityError), transaction.atomic():
        Revision.objects.create(section=target, number=1, body="x", body_html="x")


def test_review_stamps_date_reviewer_and_revision(runbook, lead):
    target = section(runbook, "systems")
    review = services.section_review(section=target, actor=lead, door=Door.API, note="fine")
    target.refresh_from_db()
    assert target.last_reviewed_by == lead
    assert target.last_reviewed_revision == 1
    assert target.last_reviewed_on == review.reviewed_on
    assert review.note == "fine" and review.door == "api"
    assert AuditEntry.objects.filter(action="review", door="api").exists()


def test_review_of_a_revision_that_does_not_exist_is_refused(runbook, lead):
    with pytest.raises(ValidationError) as error:
        services.section_review(
            section=section(runbook, "systems"), actor=lead, door=Door.UI, revision=7
        )
    assert "revision" in error.value.message_dict
    assert not Review.objects.exists()


def test_review_closes_the_open_stale_flag(runbook, lead):
    services.flag_stale_sections(door=Door.TASK)
    target = section(runbook, "cadence")
    review = services.section_review(section=target, actor=lead, door=Door.UI)
    flag = StaleFlag.objects.get(section=target)
    assert flag.closed_at is not None and flag.closed_by == review


def test_revising_with_mark_reviewed_reviews_the_new_revision(runbook, lead):
    target = section(runbook, "cadence")
    services.section_revise(section=target, body="New", base_revision=1, actor=lead,
                            door=Door.UI, summary="weekly call moved")
    target.refresh_from_db()
    assert target.last_reviewed_revision == 2
    assert Review.objects.get(section=target).note == "weekly call moved"


def test_events_are_queued_for_subscribed_webhooks(runbook, lead):
    Webhook.objects.create(url="https://hooks.example.com/x", secret="s",
                           events=["section.revised", "section.reviewed", "release.created"])
    target = section(runbook, "cadence")
    services.section_revise(section=target, body="New", base_revision=1, actor=lead, door=Door.UI)
    services.release_create(runbook=runbook, name="R1", actor=lead, door=Door.UI)
    events = sorted(WebhookDelivery.objects.values_list("event", flat=True))
    assert events == ["release.created", "section.reviewed", "section.revised"]
    revised = WebhookDelivery.objects.get(event="section.revised").payload["data"]
    assert revised["kind"] == "cadence" and revised["revision"] == 2


def test_release_pins_current_revisions_and_states(runbook, lead):
    target = section(runbook, "strategy")
    services.section_revise(section=target, body="Plan", base_revision=1, actor=lead,
                            door=Door.UI)
    release = services.release_create(runbook=runbook, name="2026-Q3 refresh", actor=lead,
                                      door=Door.UI)
    assert release.number == 1
    entries = {e.section.kind: e for e in release.entries.select_related("section", "revision")}
    assert entries["strategy"].revision.number == 2
    assert entries["strategy"].review_state == "fresh"
    assert entries["strategy"].last_reviewed_by_name == lead.username
    assert entries["process"].revision.number == 1
    assert entries["process"].review_state == "never"
    assert len(release.warnings) == 5
    # Later edits do not move what the release pinned.
    services.section_revise(section=section(runbook, "strategy"), body="Plan 2",
                            base_revision=2, actor=lead, door=Door.UI)
    assert release.entries.get(section=target).revision.number == 2
    second = services.release_create(runbook=runbook, name="Next", actor=lead, door=Door.UI)
    assert second.number == 2
    runbook.refresh_from_db()
    assert runbook.version == 2


@pytest.mark.parametrize("name", ["", "   ", "Spring", "spring "])
def test_bad_release_names_are_refused(runbook, lead, name):
    services.release_create(runbook=runbook, name="Spring", actor=lead, door=Door.UI)
    with pytest.raises(ValidationError) as error:
        services.release_create(runbook=runbook, name=name, actor=lead, door=Door.UI)
    assert "name" in error.value.message_dict
    assert Release.objects.count() == 1


def test_section_update_changes_title_and_owner(runbook, lead):
    target = section(runbook, "process")
    services.section_update(section=target, title="How we sell",
                            owner=Function.objects.get(slug="sales"), actor=lead, door=Door.UI)
    target.refresh_from_db()
    assert target.title == "How we sell" and target.owner.slug == "sales"
    assert target.owning_function_id == target.owner_id
    entry = AuditEntry.objects.get(action="update", object_type="runbook.section")
    assert entry.changes["owner"] == ["RevOps", "Sales"]


def test_only_leads_hand_a_section_over_whatever_the_door(runbook, lead, sales_head):
    target = section(runbook, "process")
    services.section_update(section=target, owner=Function.objects.get(slug="sales"),
                            actor=lead, door=Door.UI)
    target.refresh_from_db()
    with pytest.raises(PermissionDenied, match="owner"):
        services.section_update(section=target, owner=Function.objects.get(slug="marketing"),
                                actor=sales_head, door=Door.CONSOLE)
    target.refresh_from_db()
    assert target.owner.slug == "sales"
    # The head may still rename it (and "setting" the owner it already has is no hand-over).
    services.section_update(section=target, title="Selling", owner=target.owner,
                            actor=sales_head, door=Door.CONSOLE)
    target.refresh_from_db()
    assert target.title == "Selling"


def test_review_of_another_sections_revision_is_refused(runbook, lead):
    other = section(runbook, "process").revisions.get()
    with pytest.raises(ValidationError) as error:
        services.section_review(
            section=section(runbook, "systems"), actor=lead, door=Door.UI, revision=other
        )
    assert "revision" in error.value.message_dict
