"""Exactly one Accountable per row, held by the database itself: ORM and shell writes
that go around the services are refused with an IntegrityError."""

import threading

import pytest
from django.db import IntegrityError, connection, transaction

from raci import services
from raci.models import Cell, Row
from revops.models import Door
from tests.factories import function
from tests.raci import factories


def letters(row):
    row = factories.fresh(row)
    result = {c.function.slug: c.letter for c in row.cells.select_related("function")}
    result[row.accountable.slug] = row.accountable_letter
    return result


def accountable_count(row):
    row = factories.fresh(row)
    extra = row.cells.filter(function=row.accountable).count()
    return 1 + extra


def test_orm_cell_for_the_accountable_function_is_an_integrity_error(routing):
    with pytest.raises(IntegrityError, match="raci_cell"), transaction.atomic():
        Cell.objects.create(row=routing, function=function("sales"), letter="R")
    assert letters(routing) == {"sales": "A", "marketing": "R", "revops": "C"}


def test_orm_cell_with_letter_a_is_an_integrity_error(routing):
    with pytest.raises(IntegrityError, match="raci_cell_letter_r_c_or_i"), transaction.atomic():
        Cell.objects.create(row=routing, function=function("cro"), letter="A")


def test_orm_cell_lying_about_the_rows_accountable_is_an_integrity_error(routing):
    with pytest.raises(IntegrityError, match="raci_cell_accountable_matches_row"), \
            transaction.atomic():
        Cell.objects.create(row=routing, function=function("sales"), letter="R",
                            accountable=function("cro"))


def test_orm_moving_the_a_onto_a_function_holding_a_letter_is_an_integrity_error(routing):
    with pytest.raises(IntegrityError, match="raci_cell_not_the_accountable"), \
            transaction.atomic():
        Row.objects.filter(pk=routing.pk).update(accountable=function("marketing"))
    assert letters(routing)["sales"] == "A"


def test_orm_moving_the_a_keeps_the_cells_copy_true(routing):
    Row.objects.filter(pk=routing.pk).update(accountable=function("finance"))
    assert set(Cell.objects.filter(row=routing).values_list("accountable__slug", flat=True)) \
        == {"finance"}


def test_orm_second_cell_for_the_same_function_is_an_integrity_error(routing):
    with pytest.raises(IntegrityError, match="raci_cell_one_per_function|UNIQUE"), \
            transaction.atomic():
        Cell.objects.create(row=routing, function=function("marketing"), letter="C")


def test_orm_row_without_an_accountable_is_an_integrity_error(matrix):
    with pytest.raises(IntegrityError), transaction.atomic():
        Row.objects.create(matrix=matrix, name="Orphan", accountable=None)


def test_orm_updating_a_cell_to_the_accountable_function_is_an_integrity_error(routing):
    cell = Cell.objects.get(row=routing, function__slug="marketing")
    with pytest.raises(IntegrityError), transaction.atomic():
        Cell.objects.filter(pk=cell.pk).update(function=function("sales"))


def _in_thread(target, errors):
    def run():
        try:
            target()
        except Exception as exc:  # noqa: BLE001 - reported to the test below
            errors.append(exc)
        finally:
            connection.close()

    return threading.Thread(target=run)


needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL's row locks; CI runs it there"
)


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_reassigns_leave_exactly_one_accountable():
    m = factories.matrix()
    row = factories.row(m, "Lead routing rules", {"sales": "A", "marketing": "R", "cs": "C"})
    barrier = threading.Barrier(2)
    errors = []

    def reassign(to, previous):
        def go():
            barrier.wait()
            services.row_reassign(row=Row.objects.get(pk=row.pk), to=function(to),
                                  previous_becomes=previous, actor=None, door=Door.API)
        return go

    threads = [_in_thread(reassign("marketing", "R"), errors),
               _in_thread(reassign("cs", "I"), errors)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    final = letters(row)
    assert [s for s, v in final.items() if v in ("A", "A/R")] in (["marketing"], ["cs"])
    assert accountable_count(row) == 1
    assert factories.fresh(m).version == 4  # create row, two reassigns


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_cell_written_while_the_a_moves_to_its_function_is_refused_on_commit_race():
    """Around the services: one transaction moves the A to Marketing while another
    inserts an R for Marketing based on what it read before. The composite foreign key
    makes the second wait and then fail."""
    m = factories.matrix()
    row = factories.row(m, "Deal desk", {"sales": "A", "cs": "C"})
    sales, marketing = function("sales"), function("marketing")
    moved, errors = threading.Event(), []

    def move_a():
        with transaction.atomic():
            Row.objects.filter(pk=row.pk).update(accountable=marketing)
            moved.set()
            threading.Event().wait(0.5)

    def add_r():
        moved.wait(5)
        with transaction.atomic():
            Cell.objects.create(row_id=row.pk, function=marketing, letter="R",
                                accountable=sales)

    threads = [_in_thread(move_a, errors), _in_thread(add_r, errors)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(errors) == 1 and isinstance(errors[0], IntegrityError)
    assert letters(row) == {"marketing": "A", "cs": "C"}
