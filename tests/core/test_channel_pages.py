"""``/channels/``: the leads' page for notification channels."""

import pytest
from django.test import Client

from revops import services
from revops.models import Channel, Door

pytestmark = pytest.mark.django_db

FORM = {"name": "Team list", "kind": "email", "address": "revops@example.com", "url": "",
        "events": ["section.stale", "occurrence.missed"], "active": "on"}


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_a_lead_adds_a_channel_and_sees_it_listed_by_its_readers_words(lead):
    client = signed_in(lead)
    response = client.post("/channels/", FORM)
    assert response.status_code == 302
    page = client.get("/channels/").content.decode()
    assert "Team list" in page and "revops@example.com" in page
    assert "Section went stale, Ritual missed" in page
    channel = Channel.objects.get()
    assert channel.kind == "email" and channel.created_by == lead


def test_a_lead_ticks_layers_and_the_list_names_them(lead):
    client = signed_in(lead)
    assert client.post("/channels/", {**FORM, "layers": ["process"]}).status_code == 302
    assert client.post("/channels/", {**FORM, "name": "All", "address": "all@example.com"}
                       ).status_code == 302
    assert dict(Channel.objects.values_list("name", "layers")) == {
        "Team list": ["process"], "All": []}
    page = client.get("/channels/").content.decode()
    assert "<td>Process and workflow</td>" in page and "<td>Every layer</td>" in page
    refused = client.post("/channels/", {**FORM, "name": "Bad", "layers": ["sales"]})
    assert refused.status_code == 400 and "sales is not one of the available choices" in (
        refused.content.decode())
    assert not Channel.objects.filter(name="Bad").exists()


def test_a_slack_url_is_listed_without_its_secret_path(lead):
    services.channel_create(actor=None, door=Door.CLI, name="#revops", kind="slack",
                            url="https://hooks.slack.com/services/T/B/SECRET",
                            events=["raci.changed"])
    page = signed_in(lead).get("/channels/").content.decode()
    assert "https://hooks.slack.com/…" in page and "SECRET" not in page


def test_bad_input_shows_the_rule_next_to_the_field_and_saves_nothing(lead, settings):
    settings.REVOPS_WEBHOOK_ALLOW_HTTP = False
    response = signed_in(lead).post("/channels/", {
        **FORM, "kind": "slack", "address": "", "url": "https://192.168.1.4/hook"})
    assert response.status_code == 400
    assert "192.168.1.4 is a private address" in response.content.decode()
    assert not Channel.objects.exists()


def test_a_lead_edits_a_channel_but_not_its_kind(lead):
    channel = services.channel_create(actor=None, door=Door.CLI, name="List", kind="email",
                                      address="a@example.com", events=["section.stale"])
    client = signed_in(lead)
    response = client.post(f"/channels/{channel.pk}/", {
        **FORM, "name": "Renamed", "kind": "slack", "events": ["raci.changed"]})
    assert response.status_code == 302
    channel.refresh_from_db()
    assert (channel.name, channel.kind, channel.events) == ("Renamed", "email", ["raci.changed"])


@pytest.mark.parametrize("user_fixture", ["viewer", "sales_head"])
def test_the_page_is_for_leads_only(request, user_fixture):
    client = signed_in(request.getfixturevalue(user_fixture))
    assert client.get("/channels/").status_code == 403
    assert client.post("/channels/", FORM).status_code == 403
    assert not Channel.objects.exists()


@pytest.mark.parametrize("size", [2, 20])
def test_the_page_runs_the_same_queries_at_any_size(lead, size, django_assert_num_queries):
    for n in range(size):
        services.channel_create(actor=None, door=Door.CLI, name=f"List {n}", kind="email",
                                address=f"l{n}@example.com", events=["section.stale"])
    client = signed_in(lead)
    with django_assert_num_queries(5):  # four, and one for the reader's time zone
        assert client.get("/channels/").status_code == 200


def test_the_console_lists_channels_and_their_messages_for_leads_only(lead, sales_head):
    from revops import events

    channel = services.channel_create(actor=None, door=Door.CLI, name="#raci", kind="slack",
                                      url="https://hooks.slack.com/services/T/B/SECRET",
                                      events=["raci.changed"])
    events.emit("raci.changed", {"matrix": 1, "version": 3})
    message = channel.messages.get()
    client = signed_in(lead)
    listing = client.get("/admin/revops/channel/").content.decode()
    assert "#raci" in listing and "https://hooks.slack.com/…" in listing
    assert "SECRET" not in listing
    outbox_page = client.get("/admin/revops/slackmessage/")
    assert outbox_page.status_code == 200 and "waiting" in outbox_page.content.decode()
    detail = client.get(f"/admin/revops/slackmessage/{message.pk}/change/").content.decode()
    assert "is now at version 3" in detail
    assert client.get("/admin/revops/channel/add/").status_code == 200
    head = signed_in(sales_head)
    assert head.get("/admin/revops/channel/").status_code == 403
    assert head.get("/admin/revops/slackmessage/").status_code == 403
