"""Per-request guards and settings: NULs refused, the reader's time zone, conflicts as 409."""

import zoneinfo

from django.http import HttpResponseBadRequest, HttpResponseNotFound, JsonResponse
from django.shortcuts import render
from django.utils import timezone

from revops import services
from revops.errors import Archived, Conflict

NUL = "\x00"


class NulGuardMiddleware:
    """A NUL in the path or in a query parameter is refused here, for every page, the
    console and the API, before any view looks a value up.

    ``%00`` decodes to a NUL that SQLite happens to compare and PostgreSQL refuses in
    any text parameter: a lookup such as ``/people/%00/`` or a console list filter was a
    500 on PostgreSQL only. No name, slug or filter value of ours holds one, so a path
    with a NUL names nothing (404) and a query with one is a bad request (400) naming the
    parameter."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if NUL in request.path:
            return _refusal(request, HttpResponseNotFound, 404,
                            "No page has a NUL character (%00) in its address.")
        for name, values in request.GET.lists():
            if NUL in name or any(NUL in value for value in values):
                shown = name.replace(NUL, "%00")
                return _refusal(request, HttpResponseBadRequest, 400,
                                f"The query parameter {shown!r} contains a NUL character "
                                "(%00), which no value here can hold.", field=shown)
        return self.get_response(request)


def _refusal(request, page_response, status, message, field=None):
    """The API's own shapes: ``{field: [message]}`` for a parameter, as its exception
    handler answers a bad field, and ``{"detail": message}`` otherwise."""
    if request.path_info.startswith(("/api/", "/scim/")):
        return JsonResponse({field: [message]} if field else {"detail": message},
                            status=status)
    return page_response(message, content_type="text/plain; charset=utf-8")


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
