"""The people, start, hand-over and pack pages on an install built by hand rather than
the demo: who may see a person's holdings, the same queries at two sizes and the pack's
maturity part before any assessment (a hand-over's cost: ``test_handover_at_scale.py``)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from overview import pack, readiness, services
from overview.models import MaturityAssessment
from raci import services as raci_services
from raci.models import Matrix
from revops import fiscal
from revops import services as core_services
from revops.models import Door, Function, Webhook
from tests.cadence.factories import ritual
from tests.factories import LeadFactory, UserFactory, make_head
from tests.raci.factories import bulk_rows
from tests.runbook.factories import make_definition, make_runbook

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("door", ["api", "ui"])
def test_holdings_leads_see_anyones_a_person_their_own_others_are_refused(door, client, api):
    lead, head, viewer = LeadFactory(), make_head("sales"), UserFactory()

    def get(user, whose):
        if door == "api":
            return api.as_user(user).get(f"/api/v1/people/{whose.username}/holdings/")
        client.force_login(user)
        return client.get(f"/people/{whose.username}/")

    assert get(lead, head).status_code == 200
    assert get(head, head).status_code == 200
    assert get(viewer, viewer).status_code == 200
    assert get(head, lead).status_code == 403
    assert get(viewer, head).status_code == 403
    assert get(lead, UserFactory.build(username="nobody")).status_code == 404


def _grow(n, *, head, matrix, start=0):
    """``n`` more of everything a head can hold, through services or in bulk."""
    sales = Function.objects.get(slug="sales")
    for i in range(start, start + n):
        make_runbook(f"Run book {i}")
        make_definition(f"Term {i}", owner="sales", agreeing=("sales", "cs"))
        ritual(name=f"Pipeline review {i}", owner=sales, owner_person=head)
        _assessment(quarters_ago=i + 1)
        core_services.api_token_create(actor=None, door=Door.CLI, user=head, name=f"t{i}",
                                       scope="read")
        Webhook.objects.create(url=f"https://hooks.example.com/{i}", events=["raci.changed"],
                               secret="s", created_by=head)
    bulk_rows(matrix, n * 6, start=start * 6)


def _assessment(*, quarters_ago, **scores):
    quarter = fiscal.quarter_by_index(fiscal.quarter_index(timezone.localdate()) - quarters_ago)
    values = {"people": 4, "process": 5, "data": 3, "technology": 6, **scores}
    return MaturityAssessment.objects.create(
        quarter_start=quarter.start, **values,
        **{f"{p}_evidence": f"Why {p} is {score}." for p, score in values.items()})


@pytest.mark.parametrize("path", ["/people/sales-head/", "/api/v1/people/sales-head/holdings/",
                                  "/start/", "/handover/", "/handover.md", "/"])
def test_pages_run_the_same_queries_at_two_sizes(path, client, django_assert_num_queries):
    head = make_head("sales", "sales-head")
    LeadFactory(username="boss")
    matrix = raci_services.matrix_create(title="RACI", is_current=True, actor=None,
                                         door=Door.CLI)
    _grow(1, head=head, matrix=matrix)
    raci_services.signoff_create(matrix=Matrix.objects.get(pk=matrix.pk), actor=head,
                                 door=Door.CLI)
    client.force_login(head)
    with CaptureQueriesContext(connection) as small:
        assert client.get(path).status_code == 200
    _grow(12, head=head, matrix=matrix, start=1)
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(path).status_code == 200


def test_the_maturity_part_shows_a_zero_score_and_says_when_there_is_none():
    today, now = timezone.localdate(), timezone.now()

    def built():
        return pack.build(today=today, now=now, report=readiness.report(today=today))

    assert "No maturity assessment yet." in pack.to_markdown(built())
    _assessment(quarters_ago=1, data=0)
    _assessment(quarters_ago=0, data=0, people=0)
    text = pack.to_markdown(built())
    assert "| People (constraint) | 0 / 8 |" in text and "| Data (constraint) | 0 / 8 |" in text
    assert "Constraint: **People, Data**" in text and "**Foundational**" in text
    assert "| 4 | 5 | 0 | 6 | Foundational | Data |" in text


def test_a_person_holding_many_things_sees_the_first_fifty_of_each_and_the_count(client):
    from runbook.models import Section
    from tests.runbook.factories import make_sections

    head = make_head("sales", "sales-head")
    successor = UserFactory(username="next")
    make_sections(12)
    Section.objects.update(owner=Function.objects.get(slug="sales"))
    client.force_login(LeadFactory())
    page = client.get(f"/people/{head.username}/").content.decode()
    assert "Run-book sections <span class=\"muted\">(72)</span>" in page
    assert page.count('href="/runbook/sections/') == 50
    assert "And 22 more: every one in" in page
    preview = client.get(f"/people/{head.username}/handover/?to={successor.username}")
    assert preview.content.decode().count('<span class="badge ok">Section</span>') == 50
    assert "And 22 more sections" in preview.content.decode()


def test_the_preview_reads_fifty_of_each_kind_with_the_count_in_the_same_queries(
        client, django_assert_num_queries):
    """The page's plan reads the first 50 of a long list and counts them all: a holder
    of 72 sections costs the queries a holder of 3 does."""
    from runbook.models import Section
    from tests.runbook.factories import make_sections

    head = make_head("sales", "sales-head")
    successor = UserFactory(username="next")
    make_sections(12)
    sections = list(Section.objects.order_by("id").values_list("id", flat=True))
    Section.objects.filter(id__in=sections[:3]).update(owner=Function.objects.get(slug="sales"))
    client.force_login(LeadFactory())
    path = f"/people/{head.username}/handover/?to={successor.username}"
    with CaptureQueriesContext(connection) as few:
        assert "more section" not in client.get(path).content.decode()
    Section.objects.update(owner=Function.objects.get(slug="sales"))
    with django_assert_num_queries(len(few.captured_queries)):
        page = client.get(path).content.decode()
    assert "And 22 more sections" in page

    plan = services.handover_plan(person=head, successor=successor, preview=True)
    assert len(plan.sections) == 72 and len(list(plan.sections)) == 50
    assert plan.moves_anything and not plan.definitions and len(plan.definitions) == 0
