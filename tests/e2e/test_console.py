"""A function head in the console: their to-do, their section, and nothing else to change."""

import pytest

from cadence.models import Ritual
from runbook.models import Section
from tests.demo import load as load_demo

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db):
    load_demo()
    from django.contrib.auth import get_user_model

    from tests.factories import PASSWORD

    cs = get_user_model().objects.get(username="cs")
    cs.set_password(PASSWORD)
    cs.save()
    return cs


def test_a_head_sees_their_to_do_reviews_their_section_and_cannot_change_others(
    demo, sign_in, page, live_server, screenshot
):
    sign_in(demo, "/admin/")
    todo = page.locator("#todo")
    assert "Your to-do — Customer Success" in todo.inner_text()
    playbooks = Section.objects.get(kind="playbooks")
    assert playbooks.owner.slug == "cs"
    assert playbooks.title in todo.inner_text()
    foreign = Section.objects.exclude(owner__slug="cs").values_list("title", flat=True)
    assert not any(title in todo.inner_text() for title in foreign)
    screenshot("console-head-todo")

    todo.get_by_role("link", name=playbooks.title).click()
    page.goto(f"{live_server.url}/admin/runbook/section/?q=")
    page.locator(f'input[name="_selected_action"][value="{playbooks.pk}"]').check()
    page.get_by_label("Action:").select_option(label="Mark reviewed")
    page.get_by_role("button", name="Go").click()
    assert "Marked 1 section reviewed" in page.inner_text(".messagelist")
    playbooks.refresh_from_db()
    assert playbooks.last_reviewed_by == demo

    page.goto(f"{live_server.url}/admin/")
    assert playbooks.title not in page.locator("#todo").inner_text()

    funnel = Ritual.objects.get(name="Funnel review")
    assert funnel.owner.slug == "marketing"
    page.goto(f"{live_server.url}/admin/cadence/ritual/{funnel.pk}/change/")
    assert page.get_by_role("button", name="Save").count() == 0
    assert page.locator('input[name="name"]').count() == 0
    screenshot("console-head-foreign-ritual")
