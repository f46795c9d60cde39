"""The section page's "This looks out of date" form, the concerns it lists (escaped) and
the dashboard's concerns panel; their query counts do not grow."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from revops.models import Door
from runbook import services
from runbook.models import Concern
from tests.factories import UserFactory
from tests.runbook.factories import make_sections, section

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'


def post(client, target, reason):
    return client.post(f"/runbook/sections/{target.pk}/concerns/", {"reason": reason})


def test_a_viewer_raises_one_sees_it_escaped_and_is_not_offered_a_second(
        client, viewer, runbook):
    target = section(runbook, "process")
    client.force_login(viewer)
    page = client.get(f"/runbook/sections/{target.pk}/").content.decode()
    assert "This looks out of date</button>" in page
    response = post(client, target, SCRIPT)
    assert response.status_code == 302
    assert response["Location"] == f"/runbook/sections/{target.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img" in page
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "1 open" in page
    assert "This looks out of date</button>" not in page
    assert "you will hear back" in page
    assert Concern.objects.get().door == Door.UI


def test_a_second_concern_is_a_400_naming_it_on_the_form(client, viewer, runbook):
    target = section(runbook, "process")
    services.concern_raise(section=target, reason="first", actor=viewer, door=Door.API)
    client.force_login(viewer)
    response = post(client, target, "second")
    assert response.status_code == 400
    assert "You already have an open concern on this section" in response.content.decode()
    assert Concern.objects.count() == 1


@pytest.mark.parametrize(("reason", "message"), [
    ("", "This field is required."),
    ("x" * 1001, "Ensure this value has at most 1000 characters"),
])
def test_a_bad_reason_is_a_400_on_the_form(client, viewer, runbook, reason, message):
    client.force_login(viewer)
    response = post(client, section(runbook, "process"), reason)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Concern.objects.exists()


def test_signed_out_people_are_sent_to_sign_in(client, runbook):
    response = post(client, section(runbook, "process"), "x")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert not Concern.objects.exists()


def test_the_dashboard_lists_open_concerns_and_drops_answered_ones(client, viewer, lead,
                                                                   runbook):
    target = section(runbook, "process")
    services.concern_raise(section=target, reason="Routing <b>changed</b>", actor=viewer,
                           door=Door.UI)
    client.force_login(viewer)
    page = client.get("/").content.decode()
    assert "Run book: readers’ concerns" in page
    assert "Routing &lt;b&gt;changed&lt;/b&gt;" in page
    assert "1 open concern" in page
    services.section_review(section=target, actor=lead, door=Door.UI, note="done")
    assert "Run book: readers’ concerns" not in client.get("/").content.decode()


def _queries(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("page", ["section", "dashboard"])
def test_pages_with_concerns_run_the_same_queries_at_two_sizes(client, viewer, runbook, page):
    target = section(runbook, "process")
    services.concern_raise(section=target, reason="one", actor=viewer, door=Door.UI)
    client.force_login(viewer)
    url = {"section": f"/runbook/sections/{target.pk}/", "dashboard": "/"}[page]
    small = _queries(client, url)
    for runbook_ in make_sections(5):
        for kind in ("process", "systems"):
            services.concern_raise(section=section(runbook_, kind), reason="more",
                                   actor=viewer, door=Door.UI)
    for i in range(25):
        services.concern_raise(section=target, reason=f"r{i}", actor=UserFactory(),
                               door=Door.UI)
    assert _queries(client, url) == small
