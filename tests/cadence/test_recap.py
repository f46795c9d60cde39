"""The recap of a held occurrence: one e-mail per person behind the ritual, one message
to each channel subscribed to ``occurrence.recapped``, through the outbox — never for a
rolled-back record, never twice."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError

from cadence import services
from cadence.models import Status
from revops import outbox, registry
from revops.models import Channel, Door, Mail
from tests.cadence.factories import ritual as make_ritual
from tests.factories import UserFactory, function, make_head

pytestmark = pytest.mark.django_db

MADE = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)
MEETING_DONE = datetime(2026, 3, 9, 15, 0, tzinfo=UTC)


@pytest.fixture
def frozen():
    with time_machine.travel(MADE, tick=False) as traveller:
        yield traveller


@pytest.fixture
def held(frozen):
    """A Sales ritual attended by Marketing, both seats held, a team list subscribed to
    recaps, and an occurrence ready to be recorded."""
    make_head("sales", "sales-head")
    make_head("marketing", "marketing-head")
    Channel.objects.create(name="revops-list", kind="email", address="revops@example.com",
                           events=["occurrence.recapped"])
    r = make_ritual(attendees=[function("marketing")])
    frozen.move_to(MEETING_DONE)
    outbox.drain()
    mail.outbox.clear()
    return r.occurrences.order_by("scheduled_for").first()


def record(occurrence, **outcome):
    return services.occurrence_record(occurrence=occurrence, status=Status.HELD, actor=None,
                                      door=Door.CLI, **outcome)


def outcome():
    return {"rating": 9,
            "decisions": [{"text": "Commit at 2.1M", "owner": function("sales")}],
            "actions": [{"text": "Send the call sheet",
                         "owner": UserFactory(username="ann"), "due": date(2026, 3, 12)}]}


def test_the_recap_goes_to_each_person_once_and_to_the_channel(held):
    record(held, **outcome())
    outbox.drain()
    by_address = {tuple(m.to): m for m in mail.outbox}
    assert sorted(by_address) == [("ann@example.com",), ("marketing-head@example.com",),
                                  ("revops@example.com",), ("sales-head@example.com",)]
    personal = by_address[("ann@example.com",)]
    assert personal.subject == "Recap: Weekly forecast call, Mon 09 Mar 2026"
    assert "Commit at 2.1M" in personal.body and "Send the call sheet" in personal.body
    assert f"/cadence/occurrences/{held.pk}/" in personal.body
    channel = by_address[("revops@example.com",)]
    assert "Weekly forecast call: 1 decision, 1 action item, rated 9/10" in channel.body


def test_recording_the_occurrence_again_sends_no_second_recap(held):
    record(held, **outcome())
    record(held, rating=7)
    outbox.drain()
    assert len(mail.outbox) == 4


def test_a_rolled_back_record_sends_no_recap(held, sections):
    def refuse(**context):
        raise ValidationError({"link": "Under change control."})

    registry.add_listener("decision.recorded", refuse)
    try:
        with pytest.raises(ValidationError):
            record(held, decisions=[{"text": "Change it", "owner": function("sales"),
                                     "link": ("section", sections["cadence"])}])
    finally:
        registry._listeners["decision.recorded"].remove(refuse)
    assert not Mail.objects.exists()
    held.refresh_from_db()
    assert held.recapped_at is None


def test_a_worker_killed_mid_send_leaves_the_recap_to_be_delivered_once(
        held, frozen, settings):
    record(held, **outcome())
    # A worker claims the recap's rows, then dies before sending any of them.
    claimed = outbox._claim(Mail, outbox.PENDING_MAIL, MEETING_DONE, 50)
    assert len(claimed) == 4
    assert outbox.drain()["mails"] == 0 and mail.outbox == []  # leased: not sent twice
    frozen.shift(settings.REVOPS_OUTBOX_LEASE)
    assert outbox.drain()["mails"] == 4
    frozen.shift(settings.REVOPS_OUTBOX_LEASE)
    assert outbox.drain()["mails"] == 0
    assert sorted(m.to[0] for m in mail.outbox) == [
        "ann@example.com", "marketing-head@example.com", "revops@example.com",
        "sales-head@example.com"]
    assert all(m.state == "sent" for m in Mail.objects.all())
