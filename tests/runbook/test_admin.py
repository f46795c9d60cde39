"""The console: heads change only their function's sections; writes go through services."""

import pytest

from revops.models import AuditEntry, Door, Function
from runbook import services
from runbook.models import Concern, Review
from tests.runbook.factories import make_runbook, section

pytestmark = pytest.mark.django_db


@pytest.fixture
def runbook():
    return make_runbook()


@pytest.mark.parametrize(
    "url",
    [
        "/admin/runbook/section/",
        "/admin/runbook/review/",
        "/admin/runbook/staleflag/",
        "/admin/runbook/revision/",
        "/admin/runbook/release/",
        "/admin/runbook/runbook/",
        "/admin/runbook/concern/",
    ],
)
def test_console_lists_render(client, lead, runbook, url):
    client.force_login(lead)
    assert client.get(url).status_code == 200


def test_revisions_are_read_only_in_the_console(client, lead, runbook):
    client.force_login(lead)
    revision = section(runbook, "process").revisions.get()
    page = client.get(f"/admin/runbook/revision/{revision.pk}/change/")
    assert page.status_code == 200
    assert b'name="body"' not in page.content
    assert client.get("/admin/runbook/revision/add/").status_code == 403


def test_mark_reviewed_action_reviews_through_the_service(client, lead, runbook):
    client.force_login(lead)
    target = section(runbook, "systems")
    response = client.post(
        "/admin/runbook/section/",
        {"action": "mark_reviewed", "_selected_action": [target.pk]},
    )
    assert response.status_code == 302
    review = Review.objects.get(section=target)
    assert review.door == "console"
    assert AuditEntry.objects.filter(action="review", door="console").exists()


def test_head_marks_only_own_sections_reviewed(client, sales_head, runbook):
    mine = section(runbook, "process")
    mine.owner = Function.objects.get(slug="sales")
    mine.save()
    other = section(runbook, "systems")
    client.force_login(sales_head)
    client.post(
        "/admin/runbook/section/",
        {"action": "mark_reviewed", "_selected_action": [mine.pk, other.pk]},
    )
    assert Review.objects.filter(section=mine).count() == 1
    assert not Review.objects.filter(section=other).exists()


def test_head_cannot_change_another_functions_section(client, sales_head, runbook):
    other = section(runbook, "systems")
    client.force_login(sales_head)
    response = client.post(
        f"/admin/runbook/section/{other.pk}/change/", {"title": "Hijacked"}
    )
    assert response.status_code == 403
    other.refresh_from_db()
    assert other.title == "Systems and data"


def test_lead_renames_section_through_service(client, lead, runbook):
    target = section(runbook, "systems")
    client.force_login(lead)
    response = client.post(
        f"/admin/runbook/section/{target.pk}/change/",
        {"title": "Stack and data", "owner": target.owner_id,
         "reviews-TOTAL_FORMS": "0", "reviews-INITIAL_FORMS": "0"},
    )
    assert response.status_code == 302, response.content[:2000]
    target.refresh_from_db()
    assert target.title == "Stack and data"
    assert AuditEntry.objects.filter(action="update", door="console").exists()


def test_lead_adds_a_runbook_in_the_console_with_its_six_sections(client, lead, runbook):
    from runbook.models import Runbook

    client.force_login(lead)
    response = client.post("/admin/runbook/runbook/add/", {"title": "Product-led",
                                                           "motion": "product-led"})
    assert response.status_code == 302, response.content[:1500]
    created = Runbook.objects.get(title="Product-led")
    assert created.sections.count() == 6
    assert AuditEntry.objects.filter(action="create", door="console").exists()


def test_head_cannot_add_runbooks_in_the_console(client, sales_head):
    client.force_login(sales_head)
    assert client.get("/admin/runbook/runbook/add/").status_code == 403


def test_head_sees_owner_read_only_on_own_section(client, sales_head, runbook):
    mine = section(runbook, "process")
    mine.owner = Function.objects.get(slug="sales")
    mine.save()
    client.force_login(sales_head)
    page = client.get(f"/admin/runbook/section/{mine.pk}/change/").content.decode()
    assert 'name="title"' in page and 'name="owner"' not in page


def test_refused_section_change_re_renders_the_form_with_only_the_error(
    client, lead, runbook, monkeypatch
):
    from django.core.exceptions import ValidationError

    from runbook import services

    def refuse(**kwargs):
        raise ValidationError({"title": "That title is refused by the service."})

    monkeypatch.setattr(services, "validate_section_update", refuse)
    target = section(runbook, "systems")
    before = target.title
    client.force_login(lead)
    response = client.post(
        f"/admin/runbook/section/{target.pk}/change/",
        {"title": "Stack and data", "owner": target.owner_id,
         "reviews-TOTAL_FORMS": "0", "reviews-INITIAL_FORMS": "0"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "That title is refused by the service." in page
    assert "changed successfully" not in page
    target.refresh_from_db()
    assert target.title == before
    assert not AuditEntry.objects.filter(action="update", door="console").exists()


def test_concerns_are_listed_read_only_in_the_console(client, sales_head, viewer, runbook):
    concern = services.concern_raise(section=section(runbook, "process"),
                                     reason="Routing <changed>", actor=viewer, door=Door.UI)
    client.force_login(sales_head)
    listing = client.get("/admin/runbook/concern/").content.decode()
    assert "Routing &lt;changed&gt;" in listing
    page = client.get(f"/admin/runbook/concern/{concern.pk}/change/")
    assert page.status_code == 200 and b'name="reason"' not in page.content
    assert client.get("/admin/runbook/concern/add/").status_code == 403
    response = client.post(f"/admin/runbook/concern/{concern.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403 and Concern.objects.filter(pk=concern.pk).exists()
