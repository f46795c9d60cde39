"""Who decides a proposal and who hears of it, read from the RACI of the item's layer.

The approver is the Accountable function's seat: its holder, else its deputy while it
is vacant. No one approves their own change: when that person is the proposer, or the
seat is empty with no deputy, the RevOps seat (the lead's) approves instead; when the
proposer is that too, nobody can approve and the proposal is refused. Cadence and
playbook sections (no layer of their own) are the RevOps seat's.
"""

from dataclasses import dataclass

from raci import selectors as raci_selectors
from revops.errors import Conflict
from revops.models import Function


class NoApprover(Conflict):
    """Nobody but the proposer could approve the change."""

    rule = "no_self_approval"

    def __init__(self, label):
        super().__init__(
            f"Nobody else can approve a change to “{label}”: you hold both the Accountable "
            f"seat of its layer and the RevOps seat, and no one approves their own change. "
            f"Name a deputy or hand one seat over first. Nothing was proposed.")

    def detail(self):
        return {"rule": self.rule}


@dataclass(frozen=True)
class Routing:
    """The functions of a layer's RACI row, with their seats loaded."""

    accountable: Function | None
    revops: Function | None
    responsible: tuple = ()
    consulted: tuple = ()
    informed: tuple = ()

    def approver(self, proposer):
        """Who approves a change ``proposer`` made; ``None`` when nobody but them can."""
        for seat in (self.accountable, self.revops):
            person = seat.covered_by if seat is not None else None
            if person is not None and person.is_active and person.pk != getattr(
                    proposer, "pk", None):
                return person
        return None

    def heads(self, functions):
        """The people who act for ``functions`` (holder, else deputy), once each."""
        people = {f.covered_by.pk: f.covered_by for f in functions if f.covered_by is not None}
        return [person for person in people.values() if person.is_active]

    @property
    def acknowledging(self):
        """The functions asked to acknowledge a change: the layer's R, A and C."""
        seen = [self.accountable, *self.responsible, *self.consulted]
        return tuple(dict.fromkeys(f for f in seen if f is not None))


def routing_for(layer):
    """The routing of a change to an item of ``layer`` ("" for none), in five queries at
    most (the functions with their seats, and the layer's rows with their letters)."""
    functions = {f.pk: f for f in Function.objects.select_related("head", "deputy")}
    revops = next((f for f in functions.values() if f.is_revops_seat), None)
    letters = raci_selectors.layer_letters(layer) if layer else None
    if letters is None or letters.accountable is None:
        return Routing(accountable=revops, revops=revops)

    def pick(ids):
        return tuple(sorted((functions[i] for i in ids if i in functions),
                            key=lambda f: (f.position, f.slug)))
    return Routing(accountable=functions.get(letters.accountable), revops=revops,
                   responsible=pick(letters.responsible), consulted=pick(letters.consulted),
                   informed=pick(letters.informed))
