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
