"""A channel of some layers hears only of what belongs to them (and of what belongs to
no layer); a channel that chose none hears of everything, as before layers existed."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cadence import services as cadence_services
from cadence.models import Status
from revops import events, outbox, services
from revops.models import Channel, Door, Mail, SlackMessage
from runbook import services as runbook_services
from tests.cadence.factories import ritual as make_ritual
from tests.factories import make_head
from tests.runbook.factories import make_runbook

pytestmark = pytest.mark.django_db

MADE = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)
MEETING_DONE = datetime(2026, 3, 9, 15, 0, tzinfo=UTC)


def email_channel(name, events_, layers=()):
    return services.channel_create(actor=None, door=Door.CLI, name=name, kind="email",
                                   address=f"{name}@example.com", events=events_,
                                   layers=layers)


def bodies_to(name):
    return [m.body for m in mail.outbox if m.to == [f"{name}@example.com"]]


def test_a_process_channel_gets_the_sales_rituals_recap_and_not_the_marketing_one():
    make_head("sales", "sales-head")
    make_head("marketing", "marketing-head")
    email_channel("process", ["occurrence.recapped"], ["process"])
    email_channel("everything", ["occurrence.recapped"])
    with time_machine.travel(MADE, tick=False) as frozen:
        sales = make_ritual(name="Sales pipeline review", layer="process", owner="sales")
        marketing = make_ritual(name="Marketing planning", layer="strategy",
                                owner="marketing")
        frozen.move_to(MEETING_DONE)
        for ritual in (sales, marketing):
            cadence_services.occurrence_record(
                occurrence=ritual.occurrences.order_by("scheduled_for").first(),
                status=Status.HELD, actor=None, door=Door.CLI, rating=8)
        outbox.drain()
    (process,) = bodies_to("process")
    assert "Sales pipeline review: 0 decisions" in process
    assert "Marketing planning" not in process
    everything = "".join(bodies_to("everything"))
    assert "Sales pipeline review" in everything and "Marketing planning" in everything
    assert len(bodies_to("everything")) == 2


def test_what_belongs_to_no_layer_reaches_every_subscribed_channel():
    email_channel("insights", ["section.stale", "maturity.assessed"], ["insights"])
    make_runbook()
    runbook_services.flag_stale_sections(door=Door.CLI, today=date(2026, 3, 4))
    events.emit("maturity.assessed", {"quarter": "FY2026-Q4", "stage": "Defined"})
    outbox.drain()
    maturity, stale = sorted(bodies_to("insights"))
    # The insights section, and the cadence and playbooks sections that have no layer.
    assert stale.startswith("Section went stale (3)\n")
    assert "Insights and analytics" in stale and "Strategy and planning" not in stale
    assert maturity.startswith("Quarterly maturity assessed")


def test_a_channel_left_with_nothing_to_list_gets_no_message():
    email_channel("strategy", ["metric.off_track"], ["strategy"])
    events.emit("metric.off_track", {"metric": "win-rate", "layer": "insights"})
    assert not Mail.objects.exists()


@pytest.mark.parametrize("layers, field", [
    (["sales"], "layers"), ("process", "layers"), ([["process"]], "layers")])
def test_an_unknown_layer_is_refused_naming_the_field(layers, field):
    with pytest.raises(ValidationError) as caught:
        email_channel("team", ["section.stale"], layers)
    assert field in caught.value.message_dict
    assert not Channel.objects.exists()


def _fan_out_queries(channels, payloads):
    for n in range(channels):
        layers = [["process"], ["strategy", "insights"], []][n % 3]
        email_channel(f"list-{n}", ["section.stale"], layers)
        services.channel_create(actor=None, door=Door.CLI, name=f"#slack-{n}", kind="slack",
                                url=f"https://hooks.slack.com/services/{n}",
                                events=["section.stale"], layers=layers)
    kinds = ["strategy", "process", "systems", "insights", "cadence", "playbooks"]
    with CaptureQueriesContext(connection) as queries:
        events.emit_many("section.stale", [
            {"id": i, "title": f"S{i}", "layer": kinds[i % 6] if i % 6 < 4 else None}
            for i in range(payloads)])
    return len(queries.captured_queries)


def test_fanning_out_runs_the_same_queries_for_3_or_12_channels_and_any_payloads():
    small = _fan_out_queries(3, 6)
    Channel.objects.all().delete()
    Mail.objects.all().delete()
    assert _fan_out_queries(12, 60) == small == 4  # webhooks, channels, two inserts
    assert SlackMessage.objects.count() == 12 and Mail.objects.count() == 12
