"""Per-request guards and settings: NULs refused, the reader's time zone, refusals and
conflicts as the 403 and 409 pages."""

import zoneinfo

from django.core.exceptions import PermissionDenied
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
    parameter.

    On the REST API (``/api/v1/``) a parameter given with no value (``?until=``) is a
    400 naming it too: a filter would read it as "not given" and an integration whose
    variable came out empty would get everything. (A page's form sends its empty fields,
    and Swagger UI asks for ``/api/docs/?script=``: those read them as "not given".)"""

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
            if request.path_info.startswith("/api/v1/") and not all(values):
                return _refusal(request, HttpResponseBadRequest, 400,
                                "Give a value, or leave the parameter out.", field=name)
        return self.get_response(request)


def _is_api(request):
    return request.path_info.startswith(("/api/", "/scim/"))


def _refusal(request, page_response, status, message, field=None):
    """The API's own shapes: ``{field: [message]}`` for a parameter, as its exception
    handler answers a bad field, and ``{"detail": message}`` otherwise."""
    if _is_api(request):
        return JsonResponse({field: [message]} if field is not None else {"detail": message},
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


class ErrorPageMiddleware:
    """One mapping of the domain's refusals to browser pages, for every app's pages and
    the console: ``Refused`` (any ``PermissionDenied``) answers the 403 page with the
    policy's words, a ``Conflict`` (``Archived`` among them) the 409 page naming the rule
    — never a 500. Views catch neither; a service's ``ValidationError`` is the form's
    business (``revops.http.form_errors``). The API maps both in its exception handler.

    An htmx request (a grid cell, a preview) gets the same words as an alert at the top
    of the page it was sent from, and nothing else of the page is swapped: htmx swaps a
    403 or 409 (``htmx-config`` in ``base.html``) and ``HX-Reswap: none`` keeps its
    target as it was."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if request.path_info.startswith(("/api/", "/scim/")):
            return None
        if isinstance(exception, PermissionDenied):
            return _error_page(request, "403.html", 403, "Refused", exception,
                               default="You may not do this.")
        if isinstance(exception, Conflict):
            detail = exception.detail()
            return _error_page(request, "409.html", 409, "Not changed", exception,
                               rule=detail.get("rule", getattr(exception, "rule", "")),
                               archived=isinstance(exception, Archived))
        return None


def csrf_failure(request, reason=""):
    """``CSRF_FAILURE_VIEW``: a form sent without a valid security token is refused like
    any other write, the same 403 page (an alert for htmx, so a grid cell is not replaced
    by a whole page)."""
    return _error_page(request, "403.html", 403, "Refused", CSRF_REFUSED)


CSRF_REFUSED = ("This form's security token is missing or out of date (a page open "
                "since before you signed in again?): reload the page and try again.")


def _error_page(request, template, status, title, exception, default="", **context):
    context = {"title": title, "exception": str(exception) or default, **context}
    if getattr(request, "htmx", False):
        response = render(request, "_error_alert.html", context, status=status)
        response["HX-Reswap"] = "none"
        return response
    return render(request, template, context, status=status)
