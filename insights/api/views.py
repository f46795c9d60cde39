"""The scorecard's part of ``/api/v1/``: metrics and the scorecard to read; values sent
by the warehouse or a CRM job (a token of scope ``metrics:write``), one at a time or
many at once, all or nothing."""

from django.http import Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from insights import selectors, services
from insights.api import serializers as s
from insights.models import Metric
from revops.models import ApiToken, Door, Function


class MetricListView(APIView):
    """Every metric, by layer. A plain list, not paginated (a scorecard holds dozens)."""

    @extend_schema(responses=s.MetricSerializer(many=True))
    def get(self, request):
        functions = {f.pk: f for f in Function.objects.all()}
        return Response(s.MetricSerializer(selectors.metrics(), many=True,
                                           context={"functions": functions}).data)


class ValueView(APIView):
    """``PUT /metrics/{slug}/values/{period}/``: the metric's value for one period, e.g.
    ``2026-W49``, ``2026-12`` or ``FY2027-Q1`` after its cadence. Idempotent: the same
    value again changes nothing (200, ``unchanged``); a different one replaces it and
    the old one is kept. 201 when the period had no value."""

    token_scope = ApiToken.Scope.METRICS_WRITE
    write_guard = None  # the service asks about the metric: leads, or its owner's head

    @extend_schema(request=s.ValueInputSerializer, responses={200: s.ValueSerializer,
                                                                201: s.ValueSerializer})
    def put(self, request, slug, period):
        metric = Metric.objects.filter(slug=slug).first()
        if metric is None:
            raise Http404
        data = s.ValueInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        value, outcome = services.value_record(metric=metric, period=period,
                                               actor=request.user, door=Door.API,
                                               **data.validated_data)
        return Response({**s.ValueSerializer(value).data, "result": outcome},
                        status=status.HTTP_201_CREATED if outcome == "created"
                        else status.HTTP_200_OK)


class BulkValuesView(APIView):
    """``POST /metrics/values/``: many metrics and periods at once, all or nothing. A bad
    line refuses the whole call: 400 ``{"values": [{"line": n, field: [message]}]}``
    naming every bad line (1-based) and nothing is written."""

    token_scope = ApiToken.Scope.METRICS_WRITE
    write_guard = None

    @extend_schema(request=s.BulkInputSerializer, responses=s.CountsSerializer)
    def post(self, request):
        data = s.BulkInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        counts = services.values_record_many(lines=data.validated_data["values"],
                                             source=data.validated_data.get("source", ""),
                                             actor=request.user, door=Door.API)
        return Response(counts)


class ScorecardView(APIView):
    """``GET /scorecard/?periods=13``: every metric with its last closed periods (1–52,
    13 by default), oldest first: value (null when missing, never zero), target, band
    and status (``on_track``, ``warning``, ``off_track``, ``missing``, ``no_target``)."""

    @extend_schema(parameters=[OpenApiParameter("periods", OpenApiTypes.INT)],
                   responses=s.ScorecardRowSerializer(many=True))
    def get(self, request):
        raw = request.query_params.get("periods", str(selectors.DEFAULT_PERIODS))
        if not raw.isdigit() or not 1 <= int(raw) <= selectors.MAX_PERIODS:
            raise ValidationError({"periods": [f"Ask for 1 to {selectors.MAX_PERIODS} "
                                               f"periods."]})
        rows = selectors.rows(today=timezone.localdate(), periods=int(raw))
        return Response(s.ScorecardRowSerializer(rows, many=True).data)
