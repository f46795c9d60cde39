import pytest
from django.utils import timezone

from runbook.dashboard import panel
from tests.runbook.factories import make_runbook, section


@pytest.mark.django_db
def test_every_page_renders_for_a_lead(client, lead):
    rb = make_runbook()
    client.force_login(lead)
    s = section(rb, "process")
    for url in [
        "/runbook/",
        f"/runbook/{rb.pk}/",
        f"/runbook/sections/{s.pk}/",
        f"/runbook/sections/{s.pk}/edit/",
        f"/runbook/sections/{s.pk}/review/",
        f"/runbook/sections/{s.pk}/diff/",
        f"/runbook/sections/{s.pk}/revisions/1/",
        f"/runbook/{rb.pk}/releases/",
        f"/runbook/{rb.pk}/export.md",
        f"/runbook/{rb.pk}/print/",
        "/runbook/new/",
        "/",
    ]:
        r = client.get(url)
        assert r.status_code == 200, (url, r.status_code)
    r = client.post(f"/runbook/{rb.pk}/releases/", {"name": "one"})
    assert r.status_code == 302
    client.post(f"/runbook/{rb.pk}/releases/", {"name": "two"})
    for url in [
        f"/runbook/{rb.pk}/releases/1/",
        f"/runbook/{rb.pk}/releases/compare/?a=1&b=2",
        f"/runbook/{rb.pk}/releases/1/export.md",
        f"/runbook/{rb.pk}/releases/1/print/",
    ]:
        r = client.get(url)
        assert r.status_code == 200, (url, r.status_code)
    r = client.post(f"/runbook/sections/{s.pk}/preview/", {"body": "# hi <script>x</script>"})
    assert b"<h1" in r.content and b"<script" not in r.content
    assert panel(user=lead, today=timezone.localdate())["stale_count"] == 6
