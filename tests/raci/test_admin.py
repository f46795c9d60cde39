"""The console (Django admin) for RACI: leads edit rows and matrices through the
services, the one-A rule shown as a message; heads read rows and sign off by action."""

from raci.models import Matrix, Row, SignOff
from tests.factories import function
from tests.raci import factories


def test_console_row_edit_names_both_accountables_and_saves_once_there_is_one(
    client, lead, matrix, routing
):
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


def test_console_head_cannot_change_a_row_but_signs_off_by_the_action(
    client, sales_head, matrix, routing
):
    client.force_login(sales_head)
    assert client.get("/admin/raci/row/").status_code == 200
    response = client.post(f"/admin/raci/row/{routing.pk}/change/", {"name": "x"})
    assert response.status_code == 403
    response = client.post("/admin/raci/matrix/", {
        "action": "sign_off", "_selected_action": [matrix.pk]}, follow=True)
    assert "Sales signed off Revenue RACI version 2." in response.content.decode()
    assert SignOff.objects.get().function == function("sales")


def test_console_offers_no_signoff_action_to_a_lead_heading_no_function(client, lead, matrix):
    factories.row(matrix, "X", {"cs": "A"})
    client.force_login(lead)
    page = client.get("/admin/raci/matrix/").content.decode()
    assert "sign_off" not in page  # the lead heads no function here


def test_console_head_sees_a_row_read_only_with_its_letters(client, sales_head, routing):
    client.force_login(sales_head)
    response = client.get(f"/admin/raci/row/{routing.pk}/change/")
    assert response.status_code == 200
    assert "sales A" in response.content.decode()


def test_console_pages_render_for_heads_and_a_lead_adds_a_row_and_a_matrix(
    client, sales_head, lead, matrix, routing
):
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
