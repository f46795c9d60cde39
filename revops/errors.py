"""The domain's two refusals besides a ValidationError, raised by services and mapped to
an answer once per door: ``Refused`` (403 in the API, a refused message in the UI and
the console) and ``Conflict`` (409: the object moved on since the caller read it)."""

from django.core.exceptions import PermissionDenied


class Refused(PermissionDenied):
    """The actor may not make this write. Raised by the policy's guards before any input
    is read, so a refusal never reveals what was wrong with the input."""


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
