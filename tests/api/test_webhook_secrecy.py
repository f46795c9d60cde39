"""A webhook's URL is often a secret of its receiver (a token in the path or query):
only RevOps leads read webhooks, on every door, and the audit trail shows the host."""

import pytest

from revops import services
from revops.models import AuditEntry, Door, Webhook

pytestmark = pytest.mark.django_db

SECRET_URL = "https://hooks.example.com/services/T000/B000/XXXXsecretXXXX?token=abc"


@pytest.fixture
def hook(lead):
    return services.webhook_create(actor=lead, door=Door.API, url=SECRET_URL,
                                   events=["raci.changed"])


@pytest.mark.parametrize("user_fixture", ["viewer", "sales_head"])
def test_non_leads_cannot_list_or_read_webhooks(api, request, hook, user_fixture):
    api.as_user(request.getfixturevalue(user_fixture))
    for url in ("/api/v1/webhooks/", f"/api/v1/webhooks/{hook.pk}/"):
        response = api.get(url)
        assert response.status_code == 403, url
        assert "secret" not in response.content.decode()


def test_leads_read_webhooks_with_their_whole_url(api, lead, hook):
    assert api.as_user(lead).get(f"/api/v1/webhooks/{hook.pk}/").json()["url"] == SECRET_URL


def test_console_webhooks_are_for_leads_only(client, sales_head, hook):
    client.force_login(sales_head)
    assert client.get("/admin/revops/webhook/").status_code == 403
    assert client.get(f"/admin/revops/webhook/{hook.pk}/change/").status_code == 403


def test_the_audit_trail_shows_the_host_not_the_path_or_query(api, client, lead, viewer, hook):
    services.webhook_update(actor=lead, door=Door.API, webhook=hook,
                            url="https://hooks.example.com/services/other-secret")
    services.webhook_update(actor=lead, door=Door.API, webhook=Webhook.objects.get(),
                            url="https://other.example.net:8443/x?k=v")
    entries = AuditEntry.objects.filter(object_type="revops.webhook").order_by("id")
    assert [e.object_repr for e in entries] == [
        "https://hooks.example.com/…", "https://hooks.example.com/…",
        "https://other.example.net:8443/…"]
    assert entries[0].changes["url"] == [None, "https://hooks.example.com/…"]
    assert entries[1].changes["url"] == ["https://hooks.example.com/…",
                                         "https://hooks.example.com/… (path changed)"]
    assert entries[2].changes["url"] == ["https://hooks.example.com/…",
                                         "https://other.example.net:8443/…"]
    seen = api.as_user(viewer).get("/api/v1/audit/").content.decode()
    client.force_login(viewer)
    page = client.get("/audit/").content.decode()
    for text in (seen, page):
        # Since issue 29 a viewer sees that a webhook changed, not where it points.
        assert "webhook #" in text and "hooks.example.com" not in text
        assert "secret" not in text and "token=abc" not in text and "k=v" not in text
    assert "hooks.example.com" in api.as_user(lead).get("/api/v1/audit/").content.decode()


@pytest.mark.parametrize(("url", "target"), [
    ("https://h.example.com", "https://h.example.com"),
    ("https://h.example.com/", "https://h.example.com"),
    ("https://user:pw@h.example.com/p", "https://h.example.com/…"),
    ("https://[2001:db8::1]:8443/p", "https://[2001:db8::1]:8443/…"),
    ("https://h.example.com?x=1", "https://h.example.com/…"),
])
def test_a_webhook_target_is_its_scheme_host_and_port(url, target):
    assert Webhook(url=url).target == target == str(Webhook(url=url))
