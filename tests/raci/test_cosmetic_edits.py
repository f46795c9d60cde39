"""Only changes to what the heads signed make a new matrix version and reset sign-offs;
cosmetic edits (a description, the rows' order) are recorded but keep both."""

import pytest

from raci import selectors, services
from raci.models import SignOff
from revops.models import AuditEntry, Door, Webhook, WebhookDelivery
from tests.factories import function, make_head
from tests.raci import factories


@pytest.fixture
def cs_head(db):
    return make_head("cs", "cs-head")


@pytest.fixture
def signed(matrix, routing, sales_head):
    """The matrix with a second row, signed off by Sales at its current version."""
    factories.row(matrix, "Deal desk", {"sales": "A/R", "finance": "C"})
    services.signoff_create(matrix=matrix, actor=sales_head, door=Door.UI)
    Webhook.objects.create(url="https://example.com/h", secret="s",
                           events=["raci.changed", "raci.edited"])
    return factories.fresh(matrix)


def sales_state(matrix):
    status = {s.function.slug: s for s in selectors.signoff_status(factories.fresh(matrix))}
    return status["sales"].state


def assert_cosmetic(matrix, version, action):
    assert factories.fresh(matrix).version == version
    assert sales_state(matrix) == "signed"
    entry = AuditEntry.objects.filter(action=action).latest("id")
    assert "matrix_version" not in entry.changes
    assert WebhookDelivery.objects.filter(event="raci.edited").count() == 1
    assert not WebhookDelivery.objects.filter(event="raci.changed").exists()


def assert_signed(matrix, version, action):
    assert factories.fresh(matrix).version == version + 1
    assert sales_state(matrix) == "changed"
    entry = AuditEntry.objects.filter(action=action).latest("id")
    assert entry.changes["matrix_version"] == [version, version + 1]
    assert WebhookDelivery.objects.filter(event="raci.changed").count() == 1


def test_editing_a_description_keeps_the_version_and_the_signoffs(signed, routing):
    services.row_update(row=routing, description="Who routes inbound leads, and how fast.",
                        actor=None, door=Door.UI)
    assert_cosmetic(signed, signed.version, "update")
    assert factories.fresh(routing).description.startswith("Who routes")


def test_reordering_rows_keeps_the_version_and_the_signoffs(signed):
    ids = [r.pk for r in selectors.rows_for_grid(matrix=signed)]
    services.rows_reorder(matrix=signed, row_ids=ids[::-1], actor=None, door=Door.UI)
    assert_cosmetic(signed, signed.version, "reorder")
    assert [r.pk for r in selectors.rows_for_grid(matrix=signed)] == ids[::-1]


def test_moving_a_row_keeps_the_version_and_the_signoffs(signed, routing):
    services.row_move(row=routing, direction="down", actor=None, door=Door.UI)
    assert_cosmetic(signed, signed.version, "move")


def test_changing_a_position_keeps_the_version_and_the_signoffs(signed, routing):
    services.row_update(row=routing, position=500, actor=None, door=Door.API)
    assert_cosmetic(signed, signed.version, "update")


def test_renaming_a_row_makes_a_new_version(signed, routing):
    services.row_update(row=routing, name="Inbound lead routing", actor=None, door=Door.UI)
    assert_signed(signed, signed.version, "update")


def test_moving_a_row_to_another_layer_makes_a_new_version(signed, routing):
    services.row_update(row=routing, layer="systems", actor=None, door=Door.UI)
    assert_signed(signed, signed.version, "update")


def test_changing_a_letter_makes_a_new_version(signed, routing):
    services.cell_set(row=routing, function=function("cs"), letter="I", actor=None,
                      door=Door.UI)
    assert_signed(signed, signed.version, "set_cell")


def test_reassigning_the_a_makes_a_new_version(signed, routing):
    services.row_reassign(row=routing, to=function("marketing"), previous_becomes="R",
                          actor=None, door=Door.UI)
    assert_signed(signed, signed.version, "reassign")


def test_adding_and_removing_rows_make_new_versions(signed, routing):
    factories.row(signed, "Pricing approvals", {"finance": "A"})
    assert_signed(signed, signed.version, "create")
    services.row_delete(row=routing, actor=None, door=Door.UI)
    assert factories.fresh(signed).version == signed.version + 2


def test_description_and_letters_together_make_a_new_version(signed, routing):
    services.row_update(row=routing, description="Typo fixed", actor=None, door=Door.UI,
                        cells={"sales": "A", "marketing": "R"})
    assert_signed(signed, signed.version, "update")


def test_importing_only_descriptions_and_order_keeps_the_signoffs(signed):
    text = ("layer,name,description,sales,marketing,revops,finance\n"
            "process,Deal desk,Discounts above 20 %,A/R,,,C\n"
            "process,Lead routing rules,Inbound and outbound,A,R,C,\n")
    plan = services.matrix_import(matrix=signed, text=text, actor=None, door=Door.UI,
                                  expected_version=signed.version)
    assert plan.reordered and plan.updated and not plan.signed
    assert_cosmetic(signed, signed.version, "import")


def test_importing_a_changed_letter_makes_a_new_version(signed):
    text = ("layer,name,sales,marketing,revops,finance\n"
            "process,Lead routing rules,A,R,C,\n"
            "process,Deal desk,A/R,,,I\n")
    plan = services.matrix_import(matrix=signed, text=text, actor=None, door=Door.UI)
    assert plan.signed
    assert_signed(signed, signed.version, "import")


def test_a_signoff_at_the_version_seen_still_succeeds_after_a_reorder(signed, routing, cs_head):
    services.row_move(row=routing, direction="down", actor=None, door=Door.UI)
    signoff = services.signoff_create(matrix=signed, actor=cs_head, door=Door.API,
                                      version=signed.version)
    assert signoff.version == signed.version
    assert SignOff.objects.filter(version=signed.version).count() == 2


def test_through_the_api_a_description_patch_keeps_the_version_and_a_signoff_at_it_succeeds(
        api, lead, signed, routing, cs_head):
    res = api.as_user(lead).patch(f"/api/v1/raci/rows/{routing.pk}/",
                                  {"description": "Inbound only", "position": 900},
                                  format="json")
    assert res.status_code == 200
    detail = api.get(f"/api/v1/raci/matrices/{signed.pk}/").json()
    assert detail["version"] == signed.version
    res = api.as_user(cs_head).post(f"/api/v1/raci/matrices/{signed.pk}/signoffs/",
                                    {"version": signed.version}, format="json")
    assert res.status_code == 201
    res = api.as_user(lead).patch(f"/api/v1/raci/rows/{routing.pk}/", {"name": "Routing"},
                                  format="json")
    assert api.get(f"/api/v1/raci/matrices/{signed.pk}/").json()["version"] == \
        signed.version + 1
    res = api.as_user(cs_head).post(f"/api/v1/raci/matrices/{signed.pk}/signoffs/",
                                    {"version": signed.version}, format="json")
    assert res.status_code == 409
