import pytest
from django.core.management import call_command

from raci import selectors
from raci.dashboard import panel as raci_panel
from raci.models import Matrix, Row, SignOff
from tests.factories import function
from tests.raci import factories


@pytest.mark.django_db
def test_demo_is_idempotent_with_one_a_per_row_and_a_changed_signoff():
    call_command("load_demo", verbosity=0)
    counts = (Matrix.objects.count(), Row.objects.count(), SignOff.objects.count())
    call_command("load_demo", verbosity=0)
    assert (Matrix.objects.count(), Row.objects.count(), SignOff.objects.count()) == counts
    matrix = Matrix.objects.get()
    assert matrix.is_current and counts[1] >= 19
    states = {s.function.slug: s.state for s in selectors.signoff_status(matrix)}
    # Customer Success's sign-off comes from the overview's departure drill (its head is
    # the demo's leaver).
    assert states == {"revops": "unsigned", "cro": "signed", "marketing": "changed",
                      "sales": "signed", "cs": "signed", "finance": "signed"}
    for row in selectors.rows_for_grid(matrix=matrix):
        assert list(selectors.letters_of(row).values()).count("A") \
            + list(selectors.letters_of(row).values()).count("A/R") == 1


def test_dashboard_panel_lists_lint_and_missing_signoffs(client, lead, matrix, routing,
                                                        django_assert_max_num_queries):
    client.force_login(lead)
    page = client.get("/").content.decode()
    assert "RACI: lint and sign-off" in page
    assert f"/raci/{matrix.pk}/#signoff-sales" in page
    factories.bulk_rows(matrix, 200)
    with django_assert_max_num_queries(6):
        assert raci_panel(user=lead, today=None)["finding_count"] >= 1


def test_console_lead_edits_a_row_through_the_service(client, lead, matrix, routing):
    client.force_login(lead)
    url = f"/admin/raci/row/{routing.pk}/change/"
    assert client.get(url).status_code == 200
    data = {"matrix": matrix.pk, "layer": "process", "name": "Lead routing rules",
            "description": "", "position": 10, "letter_sales": "A", "letter_marketing": "A"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Lead routing rules must have exactly one Accountable; Marketing and Sales are both" \
        in response.content.decode()
    data["letter_marketing"] = "R"
    data["letter_cs"] = "I"
    assert client.post(url, data).status_code == 302
    from tests.raci.test_invariant import letters
    assert letters(routing) == {"sales": "A", "marketing": "R", "cs": "I"}


def test_console_head_reads_rows_and_signs_off_by_action(client, sales_head, matrix, routing):
    client.force_login(sales_head)
    assert client.get("/admin/raci/row/").status_code == 200
    response = client.post(f"/admin/raci/row/{routing.pk}/change/", {"name": "x"})
    assert response.status_code == 403
    response = client.post("/admin/raci/matrix/", {
        "action": "sign_off", "_selected_action": [matrix.pk]}, follow=True)
    assert "Sales signed off Revenue RACI version 2." in response.content.decode()
    assert SignOff.objects.get().function == function("sales")


def test_console_viewer_has_no_signoff_action(client, lead, matrix):
    factories.row(matrix, "X", {"cs": "A"})
    client.force_login(lead)
    page = client.get("/admin/raci/matrix/").content.decode()
    assert "sign_off" not in page  # the lead heads no function here


def test_console_head_sees_a_row_read_only_with_its_letters(client, sales_head, routing):
    client.force_login(sales_head)
    response = client.get(f"/admin/raci/row/{routing.pk}/change/")
    assert response.status_code == 200
    assert "sales A" in response.content.decode()


def test_console_pages_render_for_heads_and_leads(client, sales_head, lead, matrix, routing):
    client.force_login(sales_head)
    for url in (f"/admin/raci/matrix/{matrix.pk}/change/", "/admin/raci/signoff/",
                "/admin/raci/matrix/"):
        assert client.get(url).status_code == 200, url
    client.force_login(lead)
    assert client.get("/admin/raci/row/add/").status_code == 200
    response = client.post("/admin/raci/row/add/", {
        "matrix": matrix.pk, "layer": "systems", "name": "Data dictionary", "description": "",
        "position": 20, "letter_revops": "A/R", "letter_finance": "C"})
    assert response.status_code == 302
    from tests.raci.test_invariant import letters
    assert letters(Row.objects.get(name="Data dictionary")) == {"revops": "A/R", "finance": "C"}
    response = client.post("/admin/raci/matrix/add/", {"title": "PLG motion RACI"})
    assert response.status_code == 302 and Matrix.objects.filter(title="PLG motion RACI").exists()
