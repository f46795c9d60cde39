"""The audit trail tells everyone who may read it that a change happened, but what only
leads may see — a token's name and the first characters of its secret, a webhook's URL,
a channel's addresses, people's e-mail — only leads read, on every door (issue 29)."""

import pytest

from revops import audit, services
from revops.models import AuditEntry, Door

pytestmark = pytest.mark.django_db

TOKEN_NAME = "Salesforce sync"
HOOK_URL = "https://hooks.example.com/in/key-3f9a"
CHANNEL_ADDRESS = "revops-alerts@example.com"
PERSON_EMAIL = "dana.private@example.com"


@pytest.fixture
def secrets(lead, sales_head):
    token, raw = services.api_token_create(actor=lead, door=Door.API, user=lead,
                                           name=TOKEN_NAME, scope="write")
    services.webhook_create(actor=lead, door=Door.API, url=HOOK_URL,
                            events=["section.revised"])
    services.channel_create(actor=lead, door=Door.UI, name="Alerts to the list",
                            kind="email", events=["section.stale"], address=CHANNEL_ADDRESS)
    audit.record(actor=lead, door=Door.CLI, action="update", obj=sales_head,
                 changes={"email": ["", PERSON_EMAIL], "first_name": ["", "Dana"]})
    return {"prefix": token.prefix, "words": [TOKEN_NAME, token.prefix, HOOK_URL,
                                              "key-3f9a", CHANNEL_ADDRESS,
                                              "Alerts to the list", PERSON_EMAIL]}


def _pages(client, api, user):
    client.force_login(user)
    yield "api", api.as_user(user).get("/api/v1/audit/?page_size=100").content.decode()
    yield "page", client.get("/audit/").content.decode()
    yield "console", client.get("/admin/revops/auditentry/").content.decode()
    for entry in AuditEntry.objects.all():
        yield f"api {entry.pk}", api.get(f"/api/v1/audit/{entry.pk}/").content.decode()
        yield (f"console {entry.pk}",
               client.get(f"/admin/revops/auditentry/{entry.pk}/change/").content.decode())


def test_a_head_sees_each_change_happen_but_none_of_its_secrets(
        client, api, sales_head, secrets):
    for door, text in _pages(client, api, sales_head):
        for word in secrets["words"]:
            assert word not in text, (door, word)
    listed = api.as_user(sales_head).get("/api/v1/audit/?page_size=100").json()["results"]
    kinds = {entry["object_type"]: entry for entry in listed}
    assert kinds["revops.apitoken"]["object_repr"].startswith("API token #")
    assert kinds["revops.webhook"]["changes"] == {}
    assert kinds["revops.channel"]["action"] == "create"
    person = next(e for e in listed if e["object_type"] == "auth.user" and
                  e["door"] == Door.CLI)
    assert person["changes"] == {"first_name": ["", "Dana"]}


def test_a_head_cannot_find_a_token_by_its_secret_prefix_in_the_console(
        client, sales_head, secrets):
    client.force_login(sales_head)
    response = client.get("/admin/revops/auditentry/", {"q": secrets["prefix"]})
    assert response.status_code == 200
    assert "0 audit entries" in response.content.decode()


def test_a_lead_sees_everything(client, api, lead, secrets):
    pages = dict(_pages(client, api, lead))
    for door in ["api", "page"]:
        for word in [TOKEN_NAME, CHANNEL_ADDRESS, PERSON_EMAIL]:
            assert word in pages[door], (door, word)
    assert TOKEN_NAME in pages["console"]  # the list shows names, not changes
