"""The Monday brief: one e-mail a week to each function head, HTML and plain text, with
their sections to review, open concerns, rituals this week and sign-offs waiting — and
exactly one per person per ISO week, however often the job runs."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.db import IntegrityError, transaction

from overview import brief
from overview.models import MondayBrief
from overview.tasks import send_monday_briefs
from raci import services as raci_services
from revops import outbox
from revops.models import Door, Mail
from runbook.models import Section
from tests.cadence.factories import ritual as make_ritual
from tests.factories import UserFactory
from tests.raci import factories as raci_factories
from tests.runbook.factories import make_runbook, stamp_review

pytestmark = pytest.mark.django_db

MONDAY = datetime(2026, 3, 9, 7, 0, tzinfo=UTC)  # ISO week 2026-W11


@pytest.fixture
def frozen():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def model(sales_head, marketing_head):
    """A run book (Sales owns Process and Systems), a Sales weekly ritual and a RACI the
    Marketing head signed and the Sales head has not."""
    with time_machine.travel(MONDAY - timedelta(days=30), tick=False):
        book = make_runbook()
        matrix = raci_factories.matrix()
        raci_factories.row(matrix, "Lead routing rules", {"sales": "A", "marketing": "R"})
        make_ritual(name="Weekly forecast call", owner="sales", timezone="UTC")
    stamp_review(Section.objects.get(runbook=book, kind="systems"), date(2025, 8, 1))
    Section.objects.filter(runbook=book, kind__in=["process", "systems"]).update(
        owner_id=sales_head.headed_functions.get().pk)
    raci_services.signoff_create(matrix=matrix, actor=marketing_head, door=Door.CLI)
    return {"book": book, "matrix": matrix}


def sent_to(user):
    return [m for m in mail.outbox if m.to == [user.email]]


def test_a_head_gets_their_sections_rituals_and_sign_offs_in_html_and_plain_text(
        frozen, model, sales_head):
    assert send_monday_briefs.delay().get() == "briefs queued: 2"
    outbox.drain()
    (message,) = sent_to(sales_head)
    assert message.subject == "Your Monday brief for the week of 09 Mar 2026"
    text = message.body
    process = Section.objects.get(runbook=model["book"], kind="process")
    assert (f"- “{process.title}” in {model['book'].title} has never been reviewed\n"
            f"  http://127.0.0.1:8000/runbook/sections/{process.pk}/") in text
    systems = Section.objects.get(runbook=model["book"], kind="systems")
    assert f"“{systems.title}” in {model['book'].title} is due" in text
    assert "- Mon 09 Mar 09:00 (UTC): Weekly forecast call\n" in text
    assert "Mon 16 Mar" not in text  # next week's is not this week's
    matrix = raci_factories.fresh(model["matrix"])
    assert f"- Sign off “{matrix.title}” (version {matrix.version}) for Sales\n" in text
    assert "OPEN CONCERNS\nNone open." in text
    ((html, kind),) = message.alternatives
    assert kind == "text/html"
    assert f'<a href="http://127.0.0.1:8000/runbook/sections/{process.pk}/">' in html
    assert "<h2>Rituals this week</h2>" in html and "Weekly forecast call" in html


def test_each_head_reads_only_what_their_functions_own(frozen, model, marketing_head):
    send_monday_briefs()
    outbox.drain()
    (message,) = sent_to(marketing_head)
    assert "Weekly forecast call" not in message.body
    assert "SIGN-OFFS WAITING\nNone: the current RACI is signed off for you." in message.body


def test_the_job_run_twice_in_a_week_sends_one_brief_per_head_and_next_week_another(
        frozen, model, sales_head):
    assert brief.send_monday_briefs() == 2
    frozen.shift(timedelta(days=1, hours=3))  # Tuesday, the job runs again
    assert brief.send_monday_briefs() == 0
    assert Mail.objects.filter(to=[sales_head.email]).count() == 1
    frozen.shift(timedelta(days=6))  # the next ISO week
    assert brief.send_monday_briefs() == 2
    weeks = MondayBrief.objects.filter(user=sales_head).values_list("week", flat=True)
    assert sorted(weeks) == [date(2026, 3, 9), date(2026, 3, 16)]


def test_a_brief_already_claimed_by_another_run_is_not_sent_again(frozen, model, sales_head,
                                                                   marketing_head):
    MondayBrief.objects.create(user=sales_head, week=date(2026, 3, 9))
    assert brief.send_monday_briefs() == 1
    assert [m.to for m in Mail.objects.all()] == [[marketing_head.email]]


def test_the_database_refuses_a_second_brief_for_a_person_in_a_week(sales_head):
    MondayBrief.objects.create(user=sales_head, week=date(2026, 3, 9))
    with pytest.raises(IntegrityError), transaction.atomic():
        MondayBrief.objects.create(user=sales_head, week=date(2026, 3, 9))


def test_a_head_of_two_functions_gets_one_brief_naming_both(frozen, sales_head):
    from revops.models import Function

    Function.objects.filter(slug="cs").update(head=sales_head)
    assert brief.send_monday_briefs() == 1
    outbox.drain()
    (message,) = sent_to(sales_head)
    assert "Your Monday brief for Sales, Customer Success, week of 9 Mar 2026." in message.body


def test_nobody_without_an_address_or_an_account_gets_one(frozen, sales_head, marketing_head):
    sales_head.email = ""
    sales_head.save()
    marketing_head.is_active = False
    marketing_head.save()
    assert brief.send_monday_briefs() == 0
    assert not MondayBrief.objects.exists()


def test_a_quiet_week_says_so(frozen, sales_head):
    brief.send_monday_briefs()
    outbox.drain()
    (message,) = sent_to(sales_head)
    assert "Nothing needs you this week" in message.body


def test_a_readers_open_concern_is_in_the_owners_brief_escaped_in_html(frozen, model,
                                                                        sales_head):
    from runbook import services as runbook_services

    process = Section.objects.get(runbook=model["book"], kind="process")
    reader = UserFactory(username="reader", first_name="Rea", last_name="Der")
    runbook_services.concern_raise(section=process, reason="The <SLA> moved to 2 hours",
                                   actor=reader, door=Door.UI)
    brief.send_monday_briefs()
    outbox.drain()
    (message,) = [m for m in sent_to(sales_head) if "Monday brief" in m.subject]
    assert f"“{process.title}” in {model['book'].title}: Rea Der says “The <SLA> moved to " \
        f"2 hours”\n  http://127.0.0.1:8000/runbook/sections/{process.pk}/" in message.body
    assert "The &lt;SLA&gt; moved" in message.alternatives[0][0]


def test_a_concern_whose_raiser_was_deleted_still_reaches_the_brief(frozen, model,
                                                                   sales_head):
    from runbook import services as runbook_services

    process = Section.objects.get(runbook=model["book"], kind="process")
    reader = UserFactory(username="gone")
    runbook_services.concern_raise(section=process, reason="Out of date", actor=reader,
                                   door=Door.UI)
    reader.delete()
    brief.send_monday_briefs()
    outbox.drain()
    (message,) = [m for m in sent_to(sales_head) if "Monday brief" in m.subject]
    assert "A reader says “Out of date”" in message.body


@pytest.mark.parametrize("heads", [2, 6])
def test_composing_runs_the_same_queries_for_2_and_6_heads(frozen, model, heads,
                                                           django_assert_num_queries):
    from revops.models import Function

    for function in Function.objects.exclude(slug__in=["sales", "marketing"])[:heads - 2]:
        function.head = UserFactory(username=f"head-of-{function.slug}")
        function.save()
    # 21: 14, and one for overdue action items, three for change control, three for the
    # off-track metrics (one query, and two for who answers for the insights layer).
    with django_assert_num_queries(21):
        assert brief.send_monday_briefs() == heads


def test_the_brief_is_scheduled_on_mondays():
    (entry,) = [e for e in settings.CELERY_BEAT_SCHEDULE.values()
                if e["task"] == "overview.tasks.send_monday_briefs"]
    assert entry["schedule"].day_of_week == {1}


def test_the_brief_names_vacant_seats_departures_and_hand_overs_waiting(frozen, model,
                                                                        sales_head):
    from django.utils import timezone

    from overview import departures
    from overview import services as overview_services
    from revops import services as core_services
    from revops.models import Function
    from tests.factories import LeadFactory

    lead = LeadFactory(username="brief-lead")
    deputy = UserFactory(username="dana", first_name="Dana", last_name="Reyes")
    marketing = Function.objects.get(slug="marketing")
    core_services.function_update(actor=lead, door=Door.UI, function=marketing, deputy=deputy)
    leaving = marketing.head
    departures.departure_record(actor=lead, door=Door.UI, person=leaving,
                                leaves_on=timezone.localdate() + timedelta(days=3))
    overview_services.person_hand_over(actor=lead, door=Door.UI, person=sales_head,
                                       successor=UserFactory(username="heir"))
    brief.send_monday_briefs()
    outbox.drain()
    (message,) = [m for m in sent_to(Function.objects.get(slug="sales").head)
                  if "Monday brief" in m.subject]
    assert "PEOPLE AND SEATS" in message.body
    assert "leaves in 3 days" in message.body
    assert "has not yet accepted everything" in message.body
    assert "seat is vacant" in message.body and "covered by" in message.body
