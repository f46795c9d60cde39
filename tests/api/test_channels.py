"""``/api/v1/channels/``: RevOps leads manage where notifications go, like webhooks."""

import pytest

from revops import services
from revops.models import AuditEntry, Channel, Door

pytestmark = pytest.mark.django_db

SLACK = {"name": "#revops", "kind": "slack", "url": "https://hooks.slack.com/services/T/B/x",
         "events": ["section.stale", "section.escalated"]}


def test_a_lead_adds_lists_changes_and_removes_a_channel(api, lead):
    client = api.as_user(lead)
    made = client.post("/api/v1/channels/", SLACK, format="json")
    assert made.status_code == 201, made.json()
    body = made.json()
    assert body["kind"] == "slack" and body["active"] is True and body["address"] == ""
    assert body["events"] == ["section.stale", "section.escalated"]
    listed = client.get("/api/v1/channels/").json()
    assert listed["count"] == 1 and listed["results"][0]["name"] == "#revops"
    changed = client.patch(f"/api/v1/channels/{body['id']}/",
                           {"events": ["raci.changed"], "kind": "email"}, format="json")
    assert changed.status_code == 200
    assert changed.json()["events"] == ["raci.changed"] and changed.json()["kind"] == "slack"
    assert client.delete(f"/api/v1/channels/{body['id']}/").status_code == 204
    assert not Channel.objects.exists()
    doors = set(AuditEntry.objects.filter(object_type="revops.channel").values_list(
        "door", flat=True))
    assert doors == {"api"}


@pytest.mark.parametrize("change, field", [
    ({"events": ["deal.won"]}, "events"),
    ({"events": []}, "events"),
    ({"url": "https://10.1.2.3/hooks/x"}, "url"),
    ({"url": "ftp://hooks.example.com/x"}, "url"),
    ({"kind": "email"}, "address"),
    ({"kind": "pager"}, "kind"),
    ({"name": ""}, "name"),
    ({"layers": ["sales"]}, "layers"),
    ({"layers": "process"}, "layers"),
])
def test_bad_input_is_a_400_naming_the_field_and_saves_nothing(api, lead, change, field):
    response = api.as_user(lead).post("/api/v1/channels/", {**SLACK, **change}, format="json")
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert not Channel.objects.exists()


def test_a_channel_chooses_its_layers_and_goes_back_to_every_layer(api, lead):
    client = api.as_user(lead)
    made = client.post("/api/v1/channels/", {**SLACK, "layers": ["process", "insights"]},
                       format="json").json()
    assert made["layers"] == ["process", "insights"]
    assert Channel.objects.get().layers == ["process", "insights"]
    changed = client.patch(f"/api/v1/channels/{made['id']}/", {"layers": []}, format="json")
    assert changed.status_code == 200 and changed.json()["layers"] == []
    entry = AuditEntry.objects.filter(object_type="revops.channel", action="update").get()
    assert entry.changes["layers"] == [["process", "insights"], []]
    unchosen = client.post("/api/v1/channels/", {**SLACK, "name": "#all"}, format="json")
    assert unchosen.json()["layers"] == []


def test_a_second_channel_of_the_same_name_is_refused(api, lead):
    api.as_user(lead).post("/api/v1/channels/", SLACK, format="json")
    response = api.post("/api/v1/channels/", SLACK, format="json")
    assert response.status_code == 400 and "name" in response.json()


@pytest.mark.parametrize("user_fixture", ["viewer", "sales_head"])
def test_only_leads_see_channels_their_urls_are_secrets(api, request, user_fixture):
    services.channel_create(actor=None, door=Door.CLI, **SLACK)
    client = api.as_user(request.getfixturevalue(user_fixture))
    assert client.get("/api/v1/channels/").status_code == 403
    assert client.post("/api/v1/channels/", {**SLACK, "name": "x"},
                       format="json").status_code == 403


@pytest.mark.parametrize("size", [2, 20])
def test_the_channel_list_runs_the_same_queries_at_any_size(api, lead, size,
                                                            django_assert_num_queries):
    for n in range(size):
        services.channel_create(actor=None, door=Door.CLI, **{**SLACK, "name": f"#c{n}"})
    client = api.as_user(lead)
    client.get("/api/v1/channels/")  # the user's groups are cached from here on
    with django_assert_num_queries(2):
        assert client.get("/api/v1/channels/").json()["count"] == size
