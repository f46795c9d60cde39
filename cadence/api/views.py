"""The cadence endpoints: thin — validate, ask the policy, call one service, render."""

from datetime import datetime, time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import authentication, exceptions, mixins, renderers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from cadence import adherence, ical, rules, selectors, services
from cadence.api.filters import RitualFilter
from cadence.api.serializers import (
    OCCURRENCE_LIST_VALUES,
    RITUAL_LIST_VALUES,
    AdherenceSerializer,
    OccurrenceSerializer,
    RecordSerializer,
    RitualLintFindingSerializer,
    RitualSerializer,
    adherence_data,
    occurrence_list_items,
    ritual_list_items,
)
from cadence.models import Ritual, Status
from revops import policy
from revops.api.authentication import BearerTokenAuthentication
from revops.api.fastlist import FastListMixin
from revops.api.filters import include_archived
from revops.models import Door


class RitualViewSet(FastListMixin, viewsets.ModelViewSet):
    serializer_class = RitualSerializer
    list_values = RITUAL_LIST_VALUES
    write_guard = policy.require_create_owned
    object_guard = policy.require_change
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    filterset_class = RitualFilter

    def get_queryset(self):
        listing = self.action == "list" and not include_archived(self.request)
        return selectors.rituals(include_archived=not listing)

    def list_items(self, rows):
        return ritual_list_items(rows)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.ritual_create(actor=self.request.user, door=Door.API,
                                                     **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        attendees = data.pop("attendees", None)
        serializer.instance = services.ritual_update(
            ritual=serializer.instance, actor=self.request.user, door=Door.API,
            attendees=attendees, **data)

    def perform_destroy(self, instance):
        services.ritual_delete(ritual=instance, actor=self.request.user, door=Door.API)

    @extend_schema(responses=RitualLintFindingSerializer(many=True))
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def lint(self, request):
        """Warnings about the cadence: long daily rituals, missing owner or output,
        uncovered horizons, no weekly forecast ritual."""
        return Response(RitualLintFindingSerializer(selectors.lint(), many=True).data)


def _moment(value, field):
    """An ISO date (midnight, server zone) or datetime from a query parameter."""
    if not value:
        return None
    try:
        parsed = parse_datetime(value)
        day = parse_date(value) if parsed is None else None
    except ValueError:
        parsed = day = None
    if parsed is None and day is None:
        raise ValidationError({field: f"Not a date or date-time: {value!r} (use ISO 8601, "
                                      "e.g. 2026-03-01)."})
    if parsed is None:
        parsed = datetime.combine(day, time(0))
    if parsed.date() != rules.clamp_day(parsed.date()):
        raise ValidationError({field: f"Out of range: {value!r} (use a date from "
                                      f"{rules.FIRST_DAY.year} to {rules.LAST_DAY.year})."})
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def _ritual_id(value):
    """The ``ritual`` query parameter: a database id (ASCII digits, within bigint)."""
    if value is None:
        return None
    if not (value.isascii() and value.isdigit() and 0 < int(value) < 2**63):
        raise ValidationError({"ritual": f"Give a ritual id (a positive whole number), "
                                         f"not {value!r}."})
    return int(value)


@extend_schema_view(list=extend_schema(parameters=[
    OpenApiParameter("from", OpenApiTypes.DATETIME, description="From (ISO date or date-time)"),
    OpenApiParameter("to", OpenApiTypes.DATETIME, description="Until, exclusive"),
    OpenApiParameter("ritual", {"type": "integer", "minimum": 1}),
    OpenApiParameter("status", OpenApiTypes.STR, enum=Status.values),
]))
class OccurrenceViewSet(FastListMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                        viewsets.GenericViewSet):
    """``GET /occurrences/?from=&to=&ritual=&status=`` (``to`` is exclusive)."""

    serializer_class = OccurrenceSerializer
    write_guard = policy.require_create_owned
    object_guard = policy.require_change
    filter_backends = []
    list_values = OCCURRENCE_LIST_VALUES

    def get_queryset(self):
        params = self.request.query_params
        ritual = _ritual_id(params.get("ritual"))
        status = params.get("status") or None
        if status is not None and status not in Status.values:
            raise ValidationError({"status": f"Unknown status {status!r}: one of "
                                             f"{', '.join(Status.values)}."})
        start, end = _moment(params.get("from"), "from"), _moment(params.get("to"), "to")
        if start and end and end <= start:
            raise ValidationError({"to": "'to' must be after 'from'."})
        # The list is the live model's, unless it asks for one ritual; an occurrence of
        # an archived ritual stays readable by its id (and its record refused, 409).
        qs = selectors.occurrences(start=start, end=end, status=status,
                                   include_archived=self.action != "list" or bool(ritual))
        if ritual is not None:
            qs = qs.filter(ritual_id=ritual)
        return qs.prefetch_related("reviewed_sections")

    def list_items(self, rows):
        return occurrence_list_items(rows)

    @extend_schema(request=RecordSerializer, responses=OccurrenceSerializer)
    @action(detail=True, methods=["post"], serializer_class=RecordSerializer)
    def record(self, request, pk=None):
        occurrence = self.get_object()
        serializer = RecordSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        occurrence = services.occurrence_record(
            occurrence=occurrence, actor=request.user, door=Door.API,
            **serializer.validated_data)
        occurrence = selectors.occurrences(include_archived=True).prefetch_related(
            "reviewed_sections").get(
            pk=occurrence.pk)
        return Response(OccurrenceSerializer(occurrence).data)


class ICalendarRenderer(renderers.BaseRenderer):
    media_type = "text/calendar"
    format = "ics"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes):
            return data
        return str(data.get("detail", data) if isinstance(data, dict) else data).encode()


class FeedTokenAuthentication(authentication.BaseAuthentication):
    """``?token=<calendar feed token>``, for calendar apps that cannot send headers."""

    def authenticate(self, request):
        raw = request.query_params.get("token")
        if not raw:
            return None
        user = services.feed_token_user(raw)
        if user is None:
            raise exceptions.AuthenticationFailed("Unknown or revoked calendar feed token.")
        return user, None


class FeedTokenScheme(OpenApiAuthenticationExtension):
    target_class = FeedTokenAuthentication
    name = "calendarFeedToken"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "query", "name": "token"}


class RitualCalendarView(APIView):
    """``GET /rituals/{id}/calendar.ics``: one ritual as an iCalendar feed."""

    authentication_classes = [BearerTokenAuthentication, FeedTokenAuthentication,
                              authentication.SessionAuthentication]
    renderer_classes = [ICalendarRenderer, renderers.JSONRenderer]

    @extend_schema(responses={(200, "text/calendar"): OpenApiTypes.STR},
                   description="The ritual as an iCalendar (RFC 5545) feed with its VTIMEZONE.")
    def get(self, request, pk):
        ritual = get_object_or_404(Ritual, pk=pk)
        items, extra = selectors.feed_data(ritual_ids=[ritual.pk])
        body = ical.feed(items, extra, name=ritual.name, site_url=settings.REVOPS_SITE_URL)
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'inline; filename="ritual-{ritual.pk}.ics"'
        return response


def _weeks(value):
    """The ``weeks`` query parameter: a whole number from 1 to ``adherence.MAX_WEEKS``."""
    if value in (None, ""):
        return adherence.WINDOWS[-1]
    if not (value.isascii() and value.isdigit() and 1 <= int(value) <= adherence.MAX_WEEKS):
        raise ValidationError({"weeks": f"Give a whole number of weeks from 1 to "
                                        f"{adherence.MAX_WEEKS}, not {value!r}."})
    return int(value)


class AdherenceView(APIView):
    """``GET /adherence/?weeks=13``: held, skipped and missed occurrences per horizon, per
    owner function and per week over the last ``weeks`` whole weeks (Monday to Sunday,
    the current one included, up to now), with the held rate."""

    @extend_schema(
        parameters=[OpenApiParameter(
            "weeks", {"type": "integer", "minimum": 1, "maximum": adherence.MAX_WEEKS},
            description=f"1 to {adherence.MAX_WEEKS}; default "
            f"{adherence.WINDOWS[-1]}.")],
        responses=AdherenceSerializer,
    )
    def get(self, request):
        report = adherence.adherence(weeks=_weeks(request.query_params.get("weeks")))
        return Response(AdherenceSerializer(adherence_data(report)).data)
