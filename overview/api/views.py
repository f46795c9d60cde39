"""Endpoints that read the model as a whole."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from overview.api.serializers import ReadinessSerializer
from overview.readiness import report as readiness_report


class ReadinessView(APIView):
    """The Friday test: a score and every check, with where to fix it."""

    @extend_schema(responses=ReadinessSerializer)
    def get(self, request):
        report = readiness_report(today=timezone.localdate())
        return Response(ReadinessSerializer(report).data)
