"""Notification channels: the events people read reach an e-mail list or a
Slack-compatible channel (a real HTTP server on loopback here) through the outbox, as
one message per event however many things it lists, with retries like webhooks."""

import json
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction

from cadence import services as cadence_services
from revops import channels, events, outbox, services
from revops.errors import Refused
from revops.models import AuditEntry, Channel, Door, Mail, SlackMessage
from runbook import services as runbook_services
from runbook.models import Section
from tests.cadence.factories import ritual as make_ritual
from tests.raci import factories as raci_factories
from tests.runbook.factories import make_runbook

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)  # a Wednesday


def slack(url, events_=("section.stale",), **extra):
    return services.channel_create(actor=None, door=Door.CLI, name=extra.pop("name", "#revops"),
                                   kind="slack", url=url, events=list(events_), **extra)


def email(address, events_=("section.stale",), **extra):
    return services.channel_create(actor=None, door=Door.CLI, name=extra.pop("name", "List"),
                                   kind="email", address=address, events=list(events_),
                                   **extra)


def posted(receiver):
    return [json.loads(body) for _, body in receiver.received]


def test_stale_sections_reach_a_slack_channel_as_one_message_with_text_and_blocks(receiver):
    slack(receiver.url)
    book = make_runbook()
    runbook_services.flag_stale_sections(door=Door.CLI, today=date(2026, 3, 4))
    assert receiver.received == []  # the outbox posts, later
    outbox.drain()
    (body,) = posted(receiver)
    headers, _ = receiver.received[0]
    assert headers["Content-Type"] == "application/json"
    assert body["text"].startswith("Section went stale (6)\n")
    strategy = Section.objects.get(runbook=book, kind="strategy")
    link = f"http://127.0.0.1:8000/runbook/sections/{strategy.pk}/"
    assert f"• <{link}|“{strategy.title}” has never been reviewed>" in body["text"]
    header, listing, context = body["blocks"]
    assert header == {"type": "header",
                      "text": {"type": "plain_text", "text": "Section went stale (6)"}}
    assert listing["type"] == "section" and listing["text"]["type"] == "mrkdwn"
    assert listing["text"]["text"].count("\n") == 5 and link in listing["text"]["text"]
    assert "section.stale" in context["elements"][0]["text"]
    message = SlackMessage.objects.get()
    assert message.state == "sent" and message.response_status == 204


def test_an_email_channel_gets_the_same_words_in_plain_text():
    email("revops-team@example.com")
    make_runbook()
    runbook_services.flag_stale_sections(door=Door.CLI, today=date(2026, 3, 4))
    outbox.drain()
    sent = [m for m in mail.outbox if m.to == ["revops-team@example.com"]]
    assert len(sent) == 1
    assert sent[0].subject == "Section went stale (6)"
    assert "has never been reviewed\n  http://127.0.0.1:8000/runbook/sections/" in sent[0].body


def test_a_ritual_missed_and_a_raci_change_reach_the_channels_subscribed_to_them(receiver):
    slack(receiver.url, ["occurrence.missed"], name="#cadence")
    slack(receiver.url, ["raci.changed"], name="#raci")
    with time_machine.travel(NOW, tick=False) as frozen:
        make_ritual(name="Daily standup", horizon="daily",
                    rrule="FREQ=DAILY;BYHOUR=9;BYMINUTE=0", timezone="UTC")
        frozen.move_to(NOW + timedelta(days=1, hours=20))
        assert cadence_services.mark_missed() == 1
    matrix = raci_factories.matrix()
    SlackMessage.objects.filter(channel__name="#raci").delete()  # the new matrix posted too
    raci_factories.row(matrix, "Lead routing rules", {"sales": "A", "revops": "R"})
    outbox.drain()
    texts = sorted(body["text"] for body in posted(receiver))
    assert texts[0].startswith("Ritual missed\n• <http://127.0.0.1:8000/cadence/occurrences/")
    assert "|Daily standup on Thu 05 Mar 2026 09:00 UTC was not recorded>" in texts[0]
    assert texts[1] == (
        "Sign-off needed after a RACI change\n"
        f"• <http://127.0.0.1:8000/raci/{matrix.pk}/|The RACI matrix is now at version 2: "
        "every function head signs it off again>")
    assert SlackMessage.objects.filter(channel__name="#raci").count() == 1


def test_a_long_list_shows_the_first_ten_and_counts_the_rest():
    said = channels.message("section.stale", [{"id": i, "title": f"S{i}"} for i in range(13)])
    assert said.headline == "Section went stale (13)" and len(said.items) == 10
    assert said.slack()["text"].endswith("\n…and 3 more.")
    assert said.plain().endswith("…and 3 more.\n")


def test_peoples_words_cannot_mention_everyone_or_forge_a_link():
    said = channels.message("section.concern_raised", [
        {"id": 7, "title": "<!channel> & co", "reason": "see <https://evil.example|here>"}])
    text = said.slack()["text"]
    assert "<!channel>" not in text and "&lt;!channel&gt; &amp; co" in text
    assert "<https://evil.example" not in text
    assert "may be out of date: see &lt;https://evil.example¦here&gt;" in text


def test_kinds_no_service_emits_yet_are_described_from_their_payload():
    escalated = channels.message("section.escalated",
                                 [{"id": 3, "title": "Cadence", "escalated_to": "cro"}])
    assert escalated.items[0].text == "“Cadence” is still stale and was escalated to cro"
    assert escalated.items[0].path == "/runbook/sections/3/"
    concern = channels.message("section.concern_raised", [{"id": 3, "title": "Cadence",
                                                           "reason": "x" * 500}])
    assert concern.items[0].text.endswith("x…") and len(concern.items[0].text) < 260


def test_a_channel_that_is_paused_or_not_subscribed_gets_nothing(receiver):
    slack(receiver.url, ["raci.changed"], name="#raci")
    slack(receiver.url, name="#paused", active=False)
    make_runbook()
    runbook_services.flag_stale_sections(door=Door.CLI, today=date(2026, 3, 4))
    assert not SlackMessage.objects.exists()
    assert outbox.drain()["slack"] == 0 and receiver.received == []


def test_no_channel_query_for_an_event_no_channel_may_subscribe_to(django_assert_num_queries):
    with django_assert_num_queries(1):  # the webhooks
        events.emit("section.revised", {"id": 1})


def test_a_rolled_back_change_posts_nothing(receiver):
    slack(receiver.url, ["raci.changed"])
    with pytest.raises(RuntimeError), transaction.atomic():
        events.emit("raci.changed", {"matrix": 1, "version": 2})
        raise RuntimeError("the change fails after announcing itself")
    assert not SlackMessage.objects.exists()


def test_a_channel_that_is_down_is_retried_with_backoff_until_it_takes_the_message(receiver):
    slack(receiver.url, ["raci.changed"])
    with time_machine.travel(NOW, tick=False) as frozen:
        events.emit("raci.changed", {"matrix": 1, "version": 2})
        receiver.answers = [503]
        outbox.drain()
        message = SlackMessage.objects.get()
        assert message.state == "retrying" and message.error == "HTTP 503"
        assert message.next_attempt_at > NOW
        frozen.move_to(message.next_attempt_at)
        outbox.drain()
    message.refresh_from_db()
    assert message.state == "sent" and message.attempts == 2
    assert [b["text"] for b in posted(receiver)] == [posted(receiver)[0]["text"]] * 2


def test_a_slack_message_posted_again_after_a_worker_died_carries_the_same_key(
        receiver, settings, monkeypatch):
    """The worker posts, then dies before recording it: after the lease the next drain
    posts it again with the same Idempotency-Key, so a receiver keeping keys drops it."""
    slack(receiver.url, ["raci.changed"], name="#one")
    slack(receiver.url, ["raci.changed"], name="#two")
    with time_machine.travel(NOW, tick=False) as frozen:
        events.emit("raci.changed", {"matrix": 1, "version": 2})
        with monkeypatch.context() as dying:
            dying.setattr(outbox, "_record", lambda *args, **kwargs: None)  # killed here
            outbox.drain()
        frozen.shift(settings.REVOPS_OUTBOX_LEASE)
        outbox.drain()
    keys = [headers["Idempotency-Key"] for headers, _ in receiver.received]
    first, second = SlackMessage.objects.order_by("channel__name")
    assert sorted(keys) == sorted([channels.idempotency_key(first)] * 2
                                  + [channels.idempotency_key(second)] * 2)
    assert channels.idempotency_key(first) != channels.idempotency_key(second)
    assert first.state == second.state == "sent"


def test_a_slack_url_must_pass_the_network_guard(settings):
    settings.REVOPS_WEBHOOK_ALLOW_HTTP = False
    for url, words in [("http://hooks.slack.com/services/x", "https://"),
                       ("https://10.0.0.7/hooks/x", "private address"),
                       ("https://127.0.0.1/hooks/x", "loopback address")]:
        with pytest.raises(ValidationError) as caught:
            slack(url)
        assert words in caught.value.message_dict["url"][0]
    assert not Channel.objects.exists()


@pytest.mark.parametrize("fields, field", [
    ({"kind": "email", "address": ""}, "address"),
    ({"kind": "email", "address": "a@example.com", "url": "https://x.example.com/h"}, "url"),
    ({"kind": "slack", "url": ""}, "url"),
    ({"kind": "slack", "url": "https://x.example.com/h", "events": []}, "events"),
    ({"kind": "slack", "url": "https://x.example.com/h", "events": ["deal.won"]}, "events"),
    ({"kind": "sms", "url": "https://x.example.com/h"}, "kind"),
])
def test_a_channel_that_could_not_deliver_is_refused_naming_the_field(fields, field):
    data = {"name": "Team", "events": ["section.stale"], **fields}
    with pytest.raises(ValidationError) as caught:
        services.channel_create(actor=None, door=Door.CLI, **data)
    assert field in caught.value.message_dict
    assert not Channel.objects.exists()


def test_only_leads_manage_channels(lead, sales_head, viewer):
    for user in (sales_head, viewer):
        with pytest.raises(Refused):
            services.channel_create(actor=user, door=Door.CLI, name="x", kind="email",
                                    address="x@example.com", events=["section.stale"])
    made = services.channel_create(actor=lead, door=Door.CLI, name="x", kind="email",
                                   address="x@example.com", events=["section.stale"])
    assert made.created_by == lead


def test_the_audit_trail_keeps_where_a_channel_goes_but_never_its_secret_path():
    channel = slack("https://hooks.slack.com/services/T000/B000/SECRET")
    services.channel_update(actor=None, door=Door.CLI, channel=channel,
                            url="https://hooks.slack.com/services/T000/B000/OTHER")
    services.channel_delete(actor=None, door=Door.CLI, channel=channel)
    entries = AuditEntry.objects.filter(object_type="revops.channel").order_by("id")
    assert [e.action for e in entries] == ["create", "update", "delete"]
    assert "SECRET" not in json.dumps([e.changes for e in entries])
    assert "OTHER" not in json.dumps([e.changes for e in entries])
    assert entries[0].changes["target"] == [None, "https://hooks.slack.com/…"]
    assert not Channel.objects.exists()


def test_a_channels_kind_does_not_change():
    channel = email("a@example.com")
    with pytest.raises(TypeError):
        services.channel_update(actor=None, door=Door.CLI, channel=channel, kind="slack")


def test_removing_a_channel_drops_its_waiting_messages(receiver):
    channel = slack(receiver.url, ["raci.changed"])
    events.emit("raci.changed", {"matrix": 1, "version": 2})
    services.channel_delete(actor=None, door=Door.CLI, channel=channel)
    assert not SlackMessage.objects.exists() and outbox.drain()["slack"] == 0


def test_an_email_channel_message_is_one_outbox_mail_per_channel():
    email("one@example.com", name="One")
    email("two@example.com", name="Two")
    events.emit("section.stale", {"id": 1, "title": "Strategy", "last_reviewed_on": None})
    assert sorted(m.to[0] for m in Mail.objects.all()) == ["one@example.com", "two@example.com"]
