"""A function head's to-do, shown on the console home: what they own that needs them.

Like the dashboard and the readiness report, it reads each app through its selectors;
the console (in the core) shows it in its ``console.todo`` slot, which this app fills
in when it is ready (``revops.registry``).
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from cadence import selectors as cadence_selectors
from raci import selectors as raci_selectors
from revops import policy
from revops.listing import FirstOf
from revops.models import Function
from runbook import selectors as runbook_selectors


@dataclass
class Todo:
    functions: list
    sections: list = field(default_factory=list)
    signoffs: list = field(default_factory=list)
    occurrences: list = field(default_factory=list)

    @property
    def empty(self):
        return not (self.sections or self.signoffs or self.occurrences)


def for_user(user, *, today):
    """None for users who head no function (leads see the whole console instead)."""
    function_ids = policy.headed_function_ids(user)
    if not function_ids:
        return None
    todo = Todo(functions=list(Function.objects.filter(pk__in=function_ids)))
    # The first 50 and their count: a head of a function owning 14,000 sections.
    todo.sections = FirstOf(
        runbook_selectors.sections_needing_review(today=today).filter(owner_id__in=function_ids)
    )
    matrix = raci_selectors.current_matrix()
    if matrix is not None:
        todo.signoffs = [
            (matrix, status) for status in raci_selectors.missing_signoffs(matrix)
            if status.function.pk in function_ids
        ]
    # Still to record: the week behind (not recorded yet) and the week ahead.
    now = timezone.now()
    todo.occurrences = list(
        cadence_selectors.occurrences(
            start=now - timedelta(days=7), end=now + timedelta(days=7),
            status="scheduled",
        ).filter(ritual__owner_id__in=function_ids)
    )
    return todo
