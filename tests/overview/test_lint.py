"""One lint over the whole model: each cross-check appears for its case and vanishes
when the case is fixed; the RACI's own codes come along; the API lists it as
``[{code, severity, message, subject}]`` in the same number of queries at two sizes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cadence import services as cadence_services
from overview import lint
from raci import services as raci_services
from revops.models import Door
from runbook import services as runbook_services
from tests.cadence.factories import bulk_rituals, ritual
from tests.factories import function, make_head
from tests.raci.factories import bulk_rows, matrix, row
from tests.runbook.factories import make_runbook, make_sections, section

pytestmark = pytest.mark.django_db


def found(code):
    return [(f.subject, f.severity) for f in lint.findings() if f.code == code]


@pytest.fixture
def process():
    """A current matrix whose process layer RevOps answers for and Sales does."""
    m = matrix()
    return row(m, "Process and workflow", {"revops": "A", "sales": "R", "marketing": "C"})


def test_a_layers_accountable_without_a_ritual_serving_it_until_it_owns_one(process):
    assert found("accountable_without_ritual") == [("function:revops", "warning")]
    message = next(f.message for f in lint.findings()
                   if f.code == "accountable_without_ritual")
    assert message == ("RevOps is accountable for Process and workflow but owns no active "
                       "ritual serving that layer.")

    triage = ritual(name="Routing triage", layer="process", owner="revops")
    assert found("accountable_without_ritual") == []

    cadence_services.ritual_update(ritual=triage, active=False, actor=None, door=Door.CLI)
    assert found("accountable_without_ritual") == [("function:revops", "warning")]


def test_the_layer_as_a_whole_row_names_the_accountable_over_the_majority(process):
    m = process.matrix
    for name in ("Routing", "Stages"):
        row(m, name, {"sales": "A", "revops": "R"})
    ritual(name="Pipeline hygiene", layer="process", owner="sales")

    assert found("accountable_without_ritual") == [("function:revops", "warning")]


def test_a_ritual_owned_off_its_layer_until_the_owner_gets_an_r(process):
    funnel = ritual(name="Funnel review", layer="process", owner="marketing")
    ritual(name="Old review", layer="process", owner="finance", active=False)
    ritual(name="Forecast call", layer="process", owner="sales")  # R on the layer
    assert found("ritual_owner_not_on_layer") == [(f"ritual:{funnel.pk}", "warning")]

    raci_services.cell_set(row=process, function=function("marketing"), letter="R",
                           actor=None, door=Door.CLI)
    assert found("ritual_owner_not_on_layer") == []


def test_a_layer_sections_owner_off_its_layer_until_ownership_moves(process):
    book = make_runbook()
    runbook_services.section_update(section=section(book, "process"), owner=function("cs"),
                                    actor=None, door=Door.CLI)
    subjects = [s for s, _ in found("section_owner_not_on_layer")]
    # Strategy, systems and insights have no rows at all; cadence and playbooks are no layer.
    assert subjects == [f"section:{section(book, k).pk}"
                        for k in ("strategy", "process", "systems", "insights")]

    runbook_services.section_update(section=section(book, "process"),
                                    owner=function("sales"), actor=None, door=Door.CLI)
    assert f"section:{section(book, 'process').pk}" not in [
        s for s, _ in found("section_owner_not_on_layer")]


def test_a_departed_head_is_an_error_until_the_function_has_a_head_who_can_sign_in():
    head = make_head("sales", "sam")
    assert found("departed_head") == []
    head.is_active = False
    head.save()
    assert found("departed_head") == [("function:sales", "error")]
    assert "function:sales" not in [s for s, _ in found("function_without_head")]

    make_head("sales", "successor")
    assert found("departed_head") == []


def test_a_function_without_a_head_until_one_is_named():
    assert "function:finance" in [s for s, _ in found("function_without_head")]
    make_head("finance")
    assert "function:finance" not in [s for s, _ in found("function_without_head")]


def test_the_raci_lint_codes_come_along_with_rows_as_subjects(process):
    lonely = row(process.matrix, "Nobody does this", {"cro": "A", "cs": "C"})
    assert (f"row:{lonely.pk}", "warning") in found("no_responsible")
    # A row's finding leads to the page of the grid that draws it (50 rows a page).
    [finding] = [f for f in lint.findings() if f.subject == f"row:{lonely.pk}"]
    assert finding.url == f"/raci/rows/{lonely.pk}/in-grid/"


def test_without_a_current_matrix_only_the_people_findings_remain():
    ritual(name="Funnel review", layer="process", owner="marketing")
    make_runbook()
    codes = {f.code for f in lint.findings()}
    assert codes == {"function_without_head"}


def test_the_api_lists_exactly_code_severity_message_subject(api, viewer, process):
    response = api.as_user(viewer).get("/api/v1/lint/")

    assert response.status_code == 200
    body = response.json()
    assert isinstance(body, list)
    assert all(set(item) == {"code", "severity", "message", "subject"} for item in body)
    assert {"code": "accountable_without_ritual", "severity": "warning",
            "subject": "function:revops",
            "message": "RevOps is accountable for Process and workflow but owns no active "
                       "ritual serving that layer."} in body


def test_the_api_refuses_the_signed_out(api):
    assert api.get("/api/v1/lint/").status_code in (401, 403)


def test_the_lint_runs_the_same_queries_at_two_sizes(api, viewer, process,
                                                     django_assert_num_queries):
    client = api.as_user(viewer)
    make_runbook()
    make_head("marketing")
    departed = make_head("cs", "departed")
    departed.is_active = False
    departed.save()
    with CaptureQueriesContext(connection) as small:
        assert client.get("/api/v1/lint/").status_code == 200
    bulk_rows(process.matrix, 60, start=1)
    bulk_rituals(20)
    make_sections(10)
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get("/api/v1/lint/").status_code == 200


def test_the_raci_page_and_the_dashboard_show_the_cross_checks(client, viewer, process):
    client.force_login(viewer)
    message = "RevOps is accountable for Process and workflow but owns no active ritual"

    raci_page = client.get("/raci/").content.decode()
    dashboard = client.get("/").content.decode()

    for html in (raci_page, dashboard):
        assert 'id="cross-checks"' in html
        assert message in html
    ritual(name="Routing triage", layer="process", owner="revops")
    assert message not in client.get("/raci/").content.decode()


def test_an_older_matrix_page_goes_without_the_cross_checks(client, viewer, process):
    client.force_login(viewer)
    older = matrix("Last year's RACI", is_current=False)

    assert 'id="cross-checks"' not in client.get(f"/raci/{older.pk}/").content.decode()


def summary_counts():
    """``{code: count}`` of the full list, to hold the summary to."""
    counts = {}
    for f in lint.findings():
        counts[f.code] = counts.get(f.code, 0) + 1
    return counts


def test_the_summary_counts_every_finding_and_lists_the_sections_up_to_the_cap(process):
    make_runbook()
    make_sections(20)  # strategy, systems and insights have no rows: 3+ findings a book
    every = lint.findings()
    sections = [f for f in every if f.code == "section_owner_not_on_layer"]
    assert len(sections) > lint.PAGE_CAP

    summary = lint.summary()

    assert summary.counts == summary_counts()
    assert sum(summary.sections_off_layer.values()) == len(sections)
    listed = [f for f in summary.findings if f.code == "section_owner_not_on_layer"]
    assert listed == sections[:lint.PAGE_CAP]  # the same first ones, in the same order
    assert summary.first(lint.CROSS_CODES) == [f for f in every if f.is_cross_check][
        :lint.PAGE_CAP]
    assert lint.summary(cap=5).counts == summary.counts


def test_a_page_lists_the_first_fifty_cross_checks_and_says_how_many_there_are(
        client, viewer, process):
    client.force_login(viewer)
    make_sections(30)
    total = sum(1 for f in lint.findings() if f.is_cross_check)
    assert total > lint.PAGE_CAP

    for path in ("/", "/raci/"):
        html = client.get(path).content.decode()
        panel = html[html.index('id="cross-checks"'):]
        panel = panel[:panel.index("</section>")]
        assert panel.count("<li>") == lint.PAGE_CAP
        assert f"{total:,} findings — the first 50; all of them in the API" in panel
        assert 'href="/api/v1/lint/"' in panel


def test_the_dashboard_reads_the_lint_once_for_the_panel_and_readiness(
        client, viewer, process, monkeypatch):
    client.force_login(viewer)
    calls = []
    real = lint.summary
    monkeypatch.setattr(lint, "summary", lambda **kw: calls.append(1) or real(**kw))

    assert client.get("/").status_code == 200
    assert len(calls) == 1


@pytest.mark.parametrize("path", ["/", "/raci/", "/readiness/", "/start/"])
def test_the_pages_showing_the_cross_checks_run_the_same_queries_at_two_sizes(
        client, viewer, process, path, django_assert_num_queries):
    """6 sections, then 606, most of them owned off their layer: the same queries (the
    sections are counted and the first 50 read, never all of them)."""
    client.force_login(viewer)
    make_sections(1)
    with CaptureQueriesContext(connection) as small:
        assert client.get(path).status_code == 200
    make_sections(100)
    assert sum(1 for f in lint.findings() if f.is_cross_check) > lint.PAGE_CAP
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(path).status_code == 200
