"""The outbox's e-mail path against a real SMTP server: a refused or unreachable send is
never marked sent; it is retried with the same back-off as a webhook and sent once when
the server takes it."""

from datetime import UTC, datetime

import pytest
import time_machine

from revops import events, outbox
from revops.models import Mail

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _sent_subjects(server):
    return [envelope.content.decode().split("Subject: ", 1)[1].split("\r\n", 1)[0]
            for envelope in server.received]


def test_a_mail_the_server_refuses_is_kept_and_sent_once_when_it_accepts(smtp_server, frozen):
    events.mail(["head@example.com"], "Stale section", "Please review.")
    smtp_server.refusals = ["554 5.7.1 Message refused", "451 4.3.0 Try again later"]

    outbox.drain()
    refused = Mail.objects.get()
    assert refused.sent_at is None and refused.state == "retrying"
    assert refused.error == "SMTPDataError" and refused.attempts == 1
    assert smtp_server.received == []

    frozen.move_to(refused.next_attempt_at)
    outbox.drain()
    refused.refresh_from_db()
    assert refused.sent_at is None and refused.attempts == 2

    frozen.move_to(refused.next_attempt_at)
    outbox.drain()
    outbox.drain()
    refused.refresh_from_db()
    assert refused.state == "sent" and refused.attempts == 3 and refused.error == ""
    assert _sent_subjects(smtp_server) == ["Stale section"]
    assert smtp_server.received[0].rcpt_tos == ["head@example.com"]


def test_a_mail_to_a_server_that_is_down_waits_and_is_not_lost(smtp_server, frozen):
    events.mail(["head@example.com"], "Brief", "Monday.")
    smtp_server.stop()

    outbox.drain()
    waiting = Mail.objects.get()
    assert waiting.sent_at is None and waiting.state == "retrying"
    assert waiting.error in {"ConnectionRefusedError", "SMTPServerDisconnected"}


def test_one_refused_mail_does_not_hold_back_the_others(smtp_server, frozen):
    events.mail(["a@example.com"], "First", "one")
    events.mail(["b@example.com"], "Second", "two")
    smtp_server.refusals = ["550 5.1.1 Mailbox unavailable"]

    outbox.drain()
    assert sorted(mail.state for mail in Mail.objects.all()) == ["retrying", "sent"]
    assert len(smtp_server.received) == 1


def test_a_mail_sent_again_after_a_worker_died_is_the_same_message(smtp_server, frozen,
                                                                    settings, monkeypatch):
    """The worker sends, then dies before recording it: after the lease the next drain
    sends it again, with the same Message-ID, so the recipient's mail system keeps one."""
    events.mail(["head@example.com"], "Recap", "Decisions and actions.", html="<p>Recap</p>")
    with monkeypatch.context() as dying:
        dying.setattr(outbox, "_record", lambda *args, **kwargs: None)  # killed here
        outbox.drain()
    frozen.shift(settings.REVOPS_OUTBOX_LEASE)
    outbox.drain()
    ids = [envelope.content.decode().split("Message-ID: ", 1)[1].split("\r\n", 1)[0]
           for envelope in smtp_server.received]
    assert len(ids) == 2 and ids[0] == ids[1] == outbox.message_id(Mail.objects.get())
    assert Mail.objects.get().state == "sent"
