import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from raci import selectors, services
from raci.models import Cell, SignOff
from revops import services as core_services
from revops.models import AuditEntry, Door, Webhook, WebhookDelivery
from tests.factories import UserFactory, function
from tests.raci import factories
from tests.raci.test_invariant import letters


def messages(exc_info, field):
    return exc_info.value.message_dict[field]


def test_row_create_with_two_accountables_names_the_row_and_both_functions(matrix):
    with pytest.raises(ValidationError) as exc:
        factories.row(matrix, "Lead routing rules", {"marketing": "A", "sales": "A/R"})
    assert messages(exc, "cells") == [
        "Lead routing rules must have exactly one Accountable; "
        "Marketing and Sales are both marked A."
    ]
    assert not matrix.rows.exists()


def test_row_create_without_accountable_is_refused(matrix):
    with pytest.raises(ValidationError) as exc:
        factories.row(matrix, "Deal desk", {"sales": "R"})
    assert "Deal desk must have exactly one Accountable; no function is marked A." in \
        messages(exc, "cells")


def test_unknown_function_and_letter_are_named(matrix):
    with pytest.raises(ValidationError) as exc:
        factories.row(matrix, "Deal desk", {"sales": "A", "legal": "R"})
    assert "'legal'" in messages(exc, "cells")[0]
    with pytest.raises(ValidationError) as exc:
        factories.row(matrix, "Deal desk", {"sales": "A", "cs": "X"})
    assert "'X' for Customer Success is not a RACI letter" in messages(exc, "cells")[0]


def test_row_create_bumps_version_audits_and_emits(matrix):
    Webhook.objects.create(url="https://example.com/h", events=["raci.changed"], secret="s")
    row = factories.row(matrix, "Deal desk", {"sales": "A/R", "finance": "C"})
    assert factories.fresh(matrix).version == 2
    assert letters(row) == {"sales": "A/R", "finance": "C"}
    entry = AuditEntry.objects.filter(object_type="raci.row").get()
    assert entry.action == "create" and entry.door == Door.CLI
    assert WebhookDelivery.objects.filter(event="raci.changed").count() == 1


def test_duplicate_row_name_is_refused_ignoring_case(routing, matrix):
    with pytest.raises(ValidationError) as exc:
        factories.row(matrix, "lead ROUTING rules", {"sales": "A"})
    assert "already has a row named" in messages(exc, "name")[0]


def test_setting_a_second_a_is_refused_naming_both(routing):
    with pytest.raises(ValidationError) as exc:
        services.cell_set(row=routing, function=function("marketing"), letter="A",
                          actor=None, door=Door.UI)
    assert exc.value.error_dict["letter"][0].code == "second_accountable"
    assert "Sales holds it, so Marketing cannot be marked A too" in messages(exc, "letter")[0]
    assert letters(routing)["sales"] == "A"


def test_clearing_the_a_is_refused(routing):
    for letter in ("", "R", "C"):
        with pytest.raises(ValidationError) as exc:
            services.cell_set(row=routing, function=function("sales"), letter=letter,
                              actor=None, door=Door.UI)
        assert exc.value.error_dict["letter"][0].code == "no_accountable"


def test_cell_set_changes_letters_and_bumps_version_once_per_change(routing, matrix):
    v = factories.fresh(matrix).version
    services.cell_set(row=routing, function=function("cs"), letter="i", actor=None, door=Door.UI)
    services.cell_set(row=routing, function=function("cs"), letter="I", actor=None, door=Door.UI)
    services.cell_set(row=routing, function=function("sales"), letter="A/R", actor=None,
                      door=Door.UI)
    services.cell_set(row=routing, function=function("revops"), letter="", actor=None,
                      door=Door.UI)
    assert letters(routing) == {"sales": "A/R", "marketing": "R", "cs": "I"}
    assert factories.fresh(matrix).version == v + 3


@pytest.mark.parametrize("previous, expected", [("R", "R"), ("c", "C"), ("I", "I"),
                                                ("none", None), ("", None)])
def test_reassign_moves_the_a_and_sets_what_the_previous_holder_becomes(
    routing, previous, expected
):
    services.row_reassign(row=routing, to=function("marketing"), previous_becomes=previous,
                          actor=None, door=Door.API)
    result = letters(routing)
    assert result["marketing"] == "A"
    assert result.get("sales") == expected
    assert Cell.objects.filter(row=routing, function__slug="marketing").count() == 0


def test_reassign_refuses_bad_previous_and_same_holder(routing):
    with pytest.raises(ValidationError) as exc:
        services.row_reassign(row=routing, to=function("marketing"), previous_becomes="A",
                              actor=None, door=Door.API)
    assert "R, C, I or none" in messages(exc, "previous_becomes")[0]
    with pytest.raises(ValidationError) as exc:
        services.row_reassign(row=routing, to=function("sales"), previous_becomes="R",
                              actor=None, door=Door.API)
    assert messages(exc, "to") == ["Sales is already accountable for Lead routing rules."]


def test_row_update_replaces_cells_moving_the_a(routing):
    services.row_update(row=routing, cells={"marketing": "A", "sales": "R"}, name="Routing",
                        actor=None, door=Door.API)
    assert letters(routing) == {"marketing": "A", "sales": "R"}
    assert factories.fresh(routing).name == "Routing"


def test_row_update_without_changes_keeps_the_version(routing, matrix):
    v = factories.fresh(matrix).version
    services.row_update(row=routing, cells={"sales": "A", "marketing": "R", "revops": "C"},
                        name="Lead routing rules", actor=None, door=Door.API)
    assert factories.fresh(matrix).version == v


def test_row_delete_and_move(matrix):
    a = factories.row(matrix, "A row", {"sales": "A"})
    b = factories.row(matrix, "B row", {"sales": "A"})
    services.row_move(row=b, direction="up", actor=None, door=Door.UI)
    assert [r.name for r in selectors.rows_for_grid(matrix=matrix)] == ["B row", "A row"]
    services.rows_reorder(matrix=matrix, row_ids=[a.pk, b.pk], actor=None, door=Door.UI)
    assert [r.name for r in selectors.rows_for_grid(matrix=matrix)] == ["A row", "B row"]
    services.row_delete(row=a, actor=None, door=Door.UI)
    assert [r.name for r in selectors.rows_for_grid(matrix=matrix)] == ["B row"]
    assert AuditEntry.objects.filter(action="delete", object_type="raci.row").exists()


def test_signoff_by_head_records_version_and_changed_since(routing, matrix, sales_head):
    signoff = services.signoff_create(matrix=matrix, actor=sales_head, door=Door.UI)
    assert signoff.function.slug == "sales" and signoff.version == factories.fresh(matrix).version
    again = services.signoff_create(matrix=matrix, actor=sales_head, door=Door.UI)
    assert again.pk == signoff.pk
    services.cell_set(row=routing, function=function("cs"), letter="I", actor=None, door=Door.UI)
    status = {s.function.slug: s for s in selectors.signoff_status(factories.fresh(matrix))}
    assert status["sales"].changed_since and status["sales"].state == "changed"
    assert status["marketing"].state == "no-signer"  # no head, no deputy: nobody signs
    _, lines = selectors.changes_since_signoff(factories.fresh(matrix), function("sales"))
    assert lines == [("change", "Lead routing rules: Customer Success — → I")]


def test_a_former_heads_signoff_stays_in_history_but_the_successor_must_sign_again(
        routing, matrix, sales_head):
    first = services.signoff_create(matrix=matrix, actor=sales_head, door=Door.UI)
    successor = UserFactory(username="new-sales-head")
    core_services.function_update(actor=None, door=Door.CLI, function=function("sales"),
                                  head=successor)
    status = {s.function.slug: s for s in selectors.signoff_status(factories.fresh(matrix))}
    assert not status["sales"].signed_current and status["sales"].signed_by_former_head
    assert function("sales") in [s.function for s in selectors.missing_signoffs(matrix)]
    second = services.signoff_create(matrix=matrix, actor=successor, door=Door.UI)
    assert second.pk != first.pk and second.version == first.version
    status = {s.function.slug: s for s in selectors.signoff_status(factories.fresh(matrix))}
    assert status["sales"].signed_current and status["sales"].latest == second
    assert SignOff.objects.filter(function=function("sales")).count() == 2


def test_signoff_refused_for_non_heads_and_moved_versions(matrix, viewer, sales_head):
    with pytest.raises(PermissionDenied):
        services.signoff_create(matrix=matrix, actor=viewer, door=Door.API)
    with pytest.raises(PermissionDenied):
        services.signoff_create(matrix=matrix, actor=sales_head, function=function("cs"),
                                door=Door.API)
    with pytest.raises(services.VersionMoved):
        services.signoff_create(matrix=matrix, actor=sales_head, version=99, door=Door.API)
    assert not SignOff.objects.exists()


def test_lint_findings(matrix):
    factories.row(matrix, "Everyone consulted", {"revops": "A", "cro": "C", "marketing": "C",
                                                 "sales": "C", "cs": "C", "finance": "C"})
    factories.row(matrix, "Crowded", {"revops": "A/R", "sales": "R", "cs": "R"})
    codes = {(f.code, f.row or f.function) for f in selectors.lint(matrix)}
    rows = {r.name: r.pk for r in matrix.rows.all()}
    assert ("no_responsible", rows["Everyone consulted"]) in codes
    assert ("all_consulted", rows["Everyone consulted"]) in codes
    assert ("too_many_responsible", rows["Crowded"]) in codes
    assert ("accountable_bottleneck", "revops") in codes
    assert ("function_without_head", "sales") in codes
    assert not any(c == "function_unused" for c, _ in codes)


def test_readiness_selectors(matrix, routing, sales_head, marketing_head,
                            django_assert_max_num_queries):
    no_r = factories.row(matrix, "Data dictionary", {"revops": "A", "finance": "C"})
    factories.row(matrix, "CRM governance", {"revops": "A/R"})
    assert selectors.current_matrix() == matrix
    assert selectors.rows_without_responsible(matrix) == [no_r]
    services.signoff_create(matrix=matrix, actor=sales_head, door=Door.API)
    missing = {s.function.slug for s in selectors.missing_signoffs(factories.fresh(matrix))}
    assert missing == {"marketing"}  # the other seats are empty: nobody signs for them
    factories.bulk_rows(matrix, 100)
    with django_assert_max_num_queries(3):
        selectors.rows_without_responsible(matrix)
    with django_assert_max_num_queries(2):
        selectors.missing_signoffs(matrix)


def test_import_refuses_a_moved_version(matrix, routing):
    with pytest.raises(services.VersionMoved):
        services.matrix_import(matrix=matrix, text="name,layer,sales\nX,,A\n", actor=None,
                               door=Door.UI, expected_version=1)
    assert matrix.rows.count() == 1


def test_every_change_is_audited_with_its_door_and_signoff_emits(routing, matrix, sales_head):
    Webhook.objects.create(url="https://example.com/h", events=["raci.signed_off"], secret="s")
    services.cell_set(row=routing, function=function("cs"), letter="C", actor=None, door=Door.UI)
    services.row_reassign(row=routing, to=function("cs"), previous_becomes="R", actor=None,
                          door=Door.API)
    services.signoff_create(matrix=matrix, actor=sales_head, door=Door.CONSOLE)
    entries = list(AuditEntry.objects.order_by("id").values_list("action", "door"))
    assert entries[-3:] == [("set_cell", "ui"), ("reassign", "api"), ("sign_off", "console")]
    reassign = AuditEntry.objects.get(action="reassign")
    assert reassign.changes["accountable"] == ["Sales", "Customer Success"]
    assert reassign.changes["Sales"] == ["A", "R"]
    assert WebhookDelivery.objects.filter(event="raci.signed_off").count() == 1


def test_read_upload_is_shared_and_names_the_file():
    from django.core.files.uploadedfile import SimpleUploadedFile

    assert services.read_upload(SimpleUploadedFile("a.csv", "\ufeffname\n".encode())) == "name\n"
    with pytest.raises(ValidationError) as bad:
        services.read_upload(SimpleUploadedFile("a.csv", b"\xff\xfe\x00bad"))
    assert "file" in bad.value.message_dict
    big = SimpleUploadedFile("a.csv", b"x" * (services.MAX_IMPORT_BYTES + 1))
    with pytest.raises(ValidationError) as large:
        services.read_upload(big)
    assert "larger" in large.value.message_dict["file"][0]
