"""A refusal reads as one, in the app and the console; the outbox is visible to leads."""

import pytest

from revops import events
from revops.models import Webhook

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_viewer_opening_a_write_page_sees_why_it_is_refused(sign_in, viewer, screenshot):
    page = sign_in(viewer)
    response = page.goto(page.url.rstrip("/") + "/cadence/rituals/new/")
    assert response.status == 403
    assert page.get_by_role("heading", name="Refused").is_visible()
    assert "Nothing was changed" in page.content()
    page.set_viewport_size({"width": 390, "height": 800})
    screenshot()


def test_a_lead_sees_each_delivery_with_its_state_and_next_try(sign_in, lead, screenshot):
    Webhook.objects.create(url="https://hooks.example.com/revops", events=["raci.changed"],
                           secret="s")
    events.emit("raci.changed", {"matrix": 1, "version": 2})
    page = sign_in(lead, "/admin/revops/webhookdelivery/")
    table = page.locator("#result_list")
    assert "raci.changed" in table.inner_text() and "waiting" in table.inner_text()
    assert "hooks.example.com/revops" not in page.content()  # the console shows the host
    assert page.get_by_text("Add webhook delivery").count() == 0  # the drain writes them
    screenshot()
