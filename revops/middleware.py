"""Per-request settings that follow the signed-in person."""

import zoneinfo

from django.utils import timezone

from revops import services


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
