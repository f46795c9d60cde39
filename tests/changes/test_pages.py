"""The pages: a governed item's edit form is the proposal form; the proposal page shows
the diff, the impact and the decisions the reader may take; /changes/ is the log."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from changes import services
from changes.models import Proposal, State
from revops import governance
from revops.models import Door
from tests.changes.helpers import propose
from tests.runbook.factories import make_definition, make_runbook

pytestmark = pytest.mark.django_db


def test_a_governed_definition_offers_a_proposal_instead_of_the_revise_form(client, mql,
                                                                            people):
    client.force_login(people["marketing"])
    page = client.get(f"/definitions/{mql.slug}/").content.decode()
    assert f"/changes/propose/definition/{mql.pk}/" in page
    assert "Save revision" not in page and "Change control" in page


def test_proposing_through_the_page_and_approving_it(client, mql, people):
    client.force_login(people["marketing"])
    form = client.get(f"/changes/propose/definition/{mql.pk}/")
    assert form.status_code == 200 and "score" in form.content.decode()
    refused = client.post(f"/changes/propose/definition/{mql.pk}/", {
        "body": "Asked for a demo.", "formula": "", "reason": ""})
    assert refused.status_code == 400 and not Proposal.objects.exists()
    made = client.post(f"/changes/propose/definition/{mql.pk}/", {
        "body": "Asked for a demo.", "formula": "", "reason": "Sales works demos only."})
    proposal = Proposal.objects.get()
    assert made["Location"] == f"/changes/proposals/{proposal.pk}/"
    client.force_login(people["sales"])
    page = client.get(made["Location"]).content.decode()
    assert "+Asked for a demo." in page and "What else it touches" in page
    assert "Approve" in page
    client.post(f"/changes/proposals/{proposal.pk}/approve/", {"note": "Yes."})
    assert Proposal.objects.get().state == State.APPLIED
    client.force_login(people["cs"])
    client.post(f"/changes/acknowledge/definition/{mql.pk}/")
    page = client.get(f"/definitions/{mql.slug}/").content.decode()
    assert "1 of 3" in page


def test_the_edit_page_of_a_governed_section_is_the_proposal_form(client, people):
    book = make_runbook(actor=people["lead"])
    governance.governed_set(item=book, governed=True, actor=people["lead"], door=Door.UI)
    section = book.sections.get(kind="process")
    client.force_login(people["lead"])
    edit = client.get(f"/runbook/sections/{section.pk}/edit/")
    assert edit["Location"] == f"/changes/propose/section/{section.pk}/"
    assert "Propose a change" in client.get(f"/runbook/sections/{section.pk}/").content.decode()


def test_propose_reverting_from_the_log(client, mql, people):
    proposal = propose(mql, people["marketing"])
    services.proposal_approve(proposal=proposal, actor=people["sales"], door=Door.UI)
    client.force_login(people["marketing"])
    log = client.get("/changes/?layer=process&person=head-sales")
    assert "Sales only works demo requests" in log.content.decode()
    answer = client.post(f"/changes/proposals/{proposal.pk}/revert/",
                         {"reason": "Too strict."})
    revert = Proposal.objects.get(reverts=proposal)
    assert answer["Location"] == f"/changes/proposals/{revert.pk}/"
    assert client.get("/changes/?person=nobody").status_code == 400


def _applied(count, people):
    start = Proposal.objects.count()
    for i in range(start, start + count):
        definition = make_definition(f"Term {i}", owner="marketing", governed=True)
        proposal = propose(definition, people["marketing"], body=f"Wording {i}.")
        services.proposal_approve(proposal=proposal, actor=people["sales"], door=Door.UI)
        propose(definition, people["marketing"], body=f"Again {i}.")


@pytest.mark.parametrize("url", ["/changes/", "/changes/?layer=process"])
def test_the_log_runs_the_same_queries_at_two_sizes(client, matrix, people, url,
                                                    django_assert_num_queries):
    client.force_login(people["lead"])
    _applied(2, people)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _applied(6, people)
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(url)


def test_the_proposal_page_runs_the_same_queries_whatever_the_impact(client, mql, people,
                                                                     django_assert_num_queries):
    client.force_login(people["sales"])
    proposal = propose(mql, people["marketing"])
    url = f"/changes/proposals/{proposal.pk}/"
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for i in range(5):
        services.proposal_comment(proposal=proposal, body=f"Note {i}.", actor=people["cs"],
                                  objection=bool(i % 2), door=Door.UI)
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(url)


def test_a_governed_ritual_is_changed_through_a_proposal_from_its_page(client, matrix,
                                                                       people):
    from tests.cadence.factories import ritual

    made = ritual(name="Pipeline review", layer="process", owner="sales")
    governance.governed_set(item=made, governed=True, actor=people["lead"], door=Door.UI)
    client.force_login(people["sales"])
    page = client.get(f"/cadence/rituals/{made.pk}/").content.decode()
    assert f"/changes/propose/ritual/{made.pk}/" in page and "Change control" in page
    edit = client.get(f"/cadence/rituals/{made.pk}/edit/")
    assert edit["Location"] == f"/changes/propose/ritual/{made.pk}/"
    client.post(edit["Location"], {"name": "Pipeline review", "output": "Forecast",
                                   "agenda": "", "rrule": made.rrule,
                                   "timezone": made.timezone, "reason": "Say what it makes."})
    proposal = Proposal.objects.get()
    assert proposal.fields["output"] == "Forecast" and proposal.base["output"] == "Call sheet"


def test_a_row_of_a_governed_matrix_is_proposed_with_its_letters_from_the_page(client, matrix,
                                                                               people):
    from tests.raci import factories as raci_factories

    row = raci_factories.row(matrix, "Lead routing", {"sales": "A", "marketing": "R"})
    governance.governed_set(item=matrix, governed=True, actor=people["lead"], door=Door.UI)
    client.force_login(people["lead"])
    edit = client.get(f"/raci/rows/{row.pk}/edit/")
    assert edit["Location"] == f"/changes/propose/row/{row.pk}/"
    form = client.get(edit["Location"]).content.decode()
    assert 'name="letter_sales"' in form
    client.post(edit["Location"], {"name": "Lead routing", "description": "",
                                   "letter_sales": "A", "letter_marketing": "C",
                                   "reason": "Marketing is consulted now."})
    proposal = Proposal.objects.get()
    assert proposal.fields["letters"] == {"sales": "A", "marketing": "C"}
    page = client.get(f"/changes/proposals/{proposal.pk}/").content.decode()
    assert "+marketing: C" in page


def test_a_governed_matrix_says_how_its_rows_change(client, matrix, people):
    client.force_login(people["lead"])
    assert "This matrix is governed" not in client.get(f"/raci/{matrix.pk}/").content.decode()
    governance.governed_set(item=matrix, governed=True, actor=people["lead"], door=Door.UI)
    assert "This matrix is governed" in client.get(f"/raci/{matrix.pk}/").content.decode()
