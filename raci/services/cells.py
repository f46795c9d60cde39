"""Cells and the A: one function's letter set, and the A moved to another function in
one step."""

from django.core.exceptions import ValidationError
from django.db import transaction

from raci import rules
from raci.models import Cell
from raci.services.versions import lock_row, record_change
from revops import policy

PREVIOUS_BECOMES = {"R": "R", "C": "C", "I": "I", "": "", "NONE": ""}


@transaction.atomic
def cell_set(*, row, function, letter, actor, door):
    """Set one function's letter on a row ('' clears it).

    The A cannot be moved this way: marking a second function A is refused with
    code ``second_accountable`` (the UI then offers ``row_reassign``), and clearing or
    downgrading the A is refused with code ``no_accountable``.
    """
    policy.require_administer(actor)
    new = rules.normalize_letter(letter)
    if new is None:
        raise ValidationError({"letter": ValidationError(
            f"{letter!r} is not a RACI letter; use R, A, C, I, A/R or leave it empty.",
            code="unknown_letter")})
    matrix, row = lock_row(row)
    holder = row.accountable
    if function.pk == holder.pk:
        if new not in rules.ACCOUNTABLE_LETTERS:
            raise ValidationError({"letter": ValidationError(
                f"{row.name} must have exactly one Accountable; taking the A from "
                f"{holder.name} would leave it with none. Make another function "
                f"accountable instead (reassign), and say what {holder.name} becomes.",
                code="no_accountable")})
        also = new == "A/R"
        if also == row.accountable_also_responsible:
            return row
        old = row.accountable_letter
        row.accountable_also_responsible = also
        row.save(update_fields=["accountable_also_responsible"])
    else:
        if new in rules.ACCOUNTABLE_LETTERS:
            raise ValidationError({"letter": ValidationError(
                f"{row.name} must have exactly one Accountable; {holder.name} holds it, so "
                f"{function.name} cannot be marked A too. Reassign the A to "
                f"{function.name} instead.",
                code="second_accountable")})
        cell = Cell.objects.filter(row=row, function=function).first()
        old = cell.letter if cell else ""
        if old == new:
            return row
        if not new:
            cell.delete()
        elif cell:
            cell.letter = new
            cell.save(update_fields=["letter"])
        else:
            Cell.objects.create(row=row, function=function, letter=new,
                                accountable_id=row.accountable_id)
    record_change(matrix, actor=actor, door=door, action="set_cell", obj=row, row=row,
                  changes={function.name: [old, new]})
    return row


@transaction.atomic
def row_reassign(*, row, to, previous_becomes, actor, door, letter="A"):
    """Move the row's A to ``to`` in one step; the previous holder becomes R, C, I or ''.

    ``to`` loses whatever letter it had; ``letter`` may be 'A/R' to make it
    accountable and responsible.
    """
    policy.require_administer(actor)
    previous = PREVIOUS_BECOMES.get(str(previous_becomes or "").strip().upper())
    if previous is None:
        raise ValidationError({"previous_becomes": (
            f"{previous_becomes!r} is not allowed: the previous Accountable becomes "
            f"R, C, I or none.")})
    if letter not in rules.ACCOUNTABLE_LETTERS:
        raise ValidationError({"letter": "The new Accountable is marked A or A/R."})
    matrix, row = lock_row(row)
    holder, holder_letter = row.accountable, row.accountable_letter
    if to.pk == holder.pk:
        raise ValidationError({"to": f"{to.name} is already accountable for {row.name}."})
    dropped = Cell.objects.filter(row=row, function=to).first()
    if dropped:
        dropped.delete()
    row.accountable = to
    row.accountable_also_responsible = letter == "A/R"
    row.save(update_fields=["accountable", "accountable_also_responsible"])
    if previous:
        Cell.objects.create(row=row, function=holder, letter=previous, accountable_id=to.pk)
    record_change(matrix, actor=actor, door=door, action="reassign", obj=row, row=row, changes={
        "accountable": [holder.name, to.name],
        holder.name: [holder_letter, previous],
        to.name: [dropped.letter if dropped else "", letter],
    })
    return row
