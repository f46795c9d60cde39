"""Per-request settings that follow the signed-in person."""

import zoneinfo

from django.shortcuts import render
from django.utils import timezone

from revops import services
from revops.errors import Archived, Conflict


class PersonTimeZoneMiddleware:
    """Every page renders times in the reader's zone (their profile, else the site's).

    One query per signed-in request, never one per row: templates and views read the
    active zone with ``timezone.get_current_timezone()``. The API answers the same
    whoever asks, signed in by session or by token: its times stay in the site's zone,
    with their offset, so an integration never sees the JSON change with the caller."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated
                and not request.path_info.startswith("/api/")):
            timezone.activate(zoneinfo.ZoneInfo(services.time_zone_of(user)))
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class ConflictMiddleware:
    """A domain ``Conflict`` a page did not handle itself (a write to an archived model,
    say) answers 409 with its message, on every page and in the console, as a refusal
    answers 403: never a 500. The API maps it in its own exception handler."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, Conflict) or request.path_info.startswith("/api/"):
            return None
        return render(request, "409.html", {"exception": str(exception),
                                            "archived": isinstance(exception, Archived)},
                      status=409)
