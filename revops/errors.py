"""The domain's two refusals besides a ValidationError, raised by services and mapped to
an answer once per door: ``Refused`` (403 in the API, a refused message in the UI and
the console) and ``Conflict`` (409: the object moved on since the caller read it)."""

from django.core.exceptions import PermissionDenied, ValidationError


class Refused(PermissionDenied):
    """The actor may not make this write. Raised by the policy's guards before any input
    is read, so a refusal never reveals what was wrong with the input."""


class LineErrors(ValidationError):
    """Input of many lines (a bulk call, a CSV file) refused as a whole, nothing written.
    ``lines`` holds each line's ``{field: [message]}`` in order (``{}`` for a good one);
    the API answers 400 ``{field: [{"line": n, ...}]}`` listing the bad lines, 1-based,
    and other doors read the same as one message per problem."""

    def __init__(self, field, lines):
        self.field, self.lines = field, lines
        super().__init__({field: [f"Line {n}: {name}: {message}"
                                  for n, errors in self.bad_lines()
                                  for name, messages in errors.items()
                                  for message in messages]})

    def bad_lines(self):
        return [(n, errors) for n, errors in enumerate(self.lines, 1) if errors]

    def detail(self):
        return {self.field: [{"line": n, **errors} for n, errors in self.bad_lines()]}


class Conflict(Exception):
    """The write was based on a state that is no longer current; nothing was written.

    ``detail`` is what an API client reads besides the message (e.g. the current
    revision to merge with)."""

    def detail(self):
        return {}



class Archived(Conflict):
    """The object belongs to an archived model (set aside when the model was replaced):
    it stays readable and exportable, and no door may change it. A 409 naming the rule,
    like any ``Conflict``."""

    rule = "archived_read_only"

    def __init__(self, obj, archived_at):
        self.obj = obj
        self.archived_at = archived_at
        super().__init__(
            f"“{obj}” belongs to a model archived on {archived_at:%Y-%m-%d} when it was "
            f"replaced: archived run books, RACI matrices and rituals are read-only. "
            f"Nothing was changed."
        )

    def detail(self):
        return {"rule": self.rule, "archived_at": self.archived_at.isoformat()}


def refuse_archived(obj, archived_at):
    """Raise ``Archived`` about ``obj`` when ``archived_at`` (the stamp of the run book,
    matrix or ritual it belongs to) is set."""
    if archived_at is not None:
        raise Archived(obj, archived_at)
