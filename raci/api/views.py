"""The RACI's part of ``/api/v1/``: thin views that validate, call a service, render."""

from django.db.models import Prefetch
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import BaseRenderer
from rest_framework.response import Response

from raci import selectors, services
from raci.api import serializers as s
from raci.api.filters import MatrixFilter
from raci.models import Matrix, SignOff
from revops import policy
from revops.api.fastlist import FastListMixin
from revops.api.filters import include_archived
from revops.models import Door


class CSVRenderer(BaseRenderer):
    """Lets ``Accept: text/csv`` reach the export (which builds its own response)."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, bytes | str) else str(data)


def _rows_prefetch():
    return Prefetch("rows", queryset=selectors.rows_for_grid())


class MatrixViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """RACI matrices with their columns, rows and sign-off status. Writes are for leads;
    any function head may sign off (for the function they head)."""

    serializer_class = s.MatrixSerializer
    action_guards = {"signoffs": policy.require_head}
    filterset_class = MatrixFilter

    def get_queryset(self):
        # A list shows the live model's matrices (``?include=archived``: archived ones
        # too); an archived matrix stays readable by its id.
        listing = self.action == "list" and not include_archived(self.request)
        return (Matrix.objects.live() if listing else Matrix.objects.all()).prefetch_related(
            _rows_prefetch(),
            Prefetch("signoffs", queryset=SignOff.objects.defer("snapshot").order_by(
                "function_id", "-version")),
        )

    @extend_schema(request=s.MatrixWriteSerializer, responses={201: s.MatrixSerializer})
    def create(self, request, *args, **kwargs):
        data = s.MatrixWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        matrix = services.matrix_create(actor=request.user, door=Door.API, **data.validated_data)
        body = s.MatrixSerializer(self.get_queryset().get(pk=matrix.pk)).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(responses=s.LintFindingSerializer(many=True))
    @action(detail=True, methods=["get"], serializer_class=s.LintFindingSerializer,
            pagination_class=None)
    def lint(self, request, pk=None):
        findings = selectors.lint(self.get_object())
        return Response(s.LintFindingSerializer(
            [{"row": f.row, "function": f.function, "code": f.code, "severity": f.severity,
              "message": f.message} for f in findings], many=True).data)

    @extend_schema(request=s.SignOffCreateSerializer, responses={201: s.SignOffSerializer})
    @action(detail=True, methods=["post"], serializer_class=s.SignOffCreateSerializer)
    def signoffs(self, request, pk=None):
        matrix = self.get_object()
        data = s.SignOffCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        signoff = services.signoff_create(
            matrix=matrix, actor=request.user, door=Door.API, **data.validated_data
        )
        return Response(s.SignOffSerializer(signoff).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.STR})
    def export_csv(self, request, pk=None):
        """Routed in ``raci.api.urls`` as ``…/export.csv`` (the contract's spelling)."""
        matrix = self.get_object()
        response = HttpResponse(selectors.csv_export(matrix), content_type="text/csv")
        name = f"raci-{matrix.pk}-v{matrix.version}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    @extend_schema(request={"multipart/form-data": s.ImportSerializer},
                   responses=s.ImportResultSerializer)
    @action(detail=True, methods=["post"], url_path="import", serializer_class=s.ImportSerializer,
            parser_classes=[MultiPartParser, FormParser])
    def import_csv(self, request, pk=None):
        matrix = self.get_object()
        data = s.ImportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        text = services.read_upload(data.validated_data["file"])
        plan = services.matrix_import(
            matrix=matrix, text=text, actor=request.user, door=Door.API,
            expected_version=data.validated_data.get("version"),
        )
        matrix.refresh_from_db(fields=["version"])
        return Response(s.ImportResultSerializer({
            "created": len(plan.created), "updated": len(plan.updated),
            "deleted": len(plan.deleted), "unchanged": plan.unchanged,
            "reordered": plan.reordered, "version": matrix.version,
        }).data)


class RowViewSet(
    FastListMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """RACI rows in grid order; ``cells`` maps function slug to letter with exactly one
    A (or A/R). Writes are for leads."""

    serializer_class = s.RowSerializer
    filterset_fields = ["matrix", "layer"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    list_values = s.ROW_LIST_VALUES

    def get_queryset(self):
        return selectors.rows_for_grid()

    def list_items(self, rows):
        return s.row_list_items(rows)

    @extend_schema(request=s.RowWriteSerializer, responses={201: s.RowSerializer})
    def create(self, request, *args, **kwargs):
        data = s.RowWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        row = services.row_create(actor=request.user, door=Door.API, **data.validated_data)
        return Response(self._render(row), status=status.HTTP_201_CREATED)

    @extend_schema(request=s.RowWriteSerializer, responses=s.RowSerializer)
    def partial_update(self, request, *args, **kwargs):
        row = self.get_object()
        data = s.RowWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        if "matrix" in fields and fields.pop("matrix") != row.matrix:
            raise ValidationError({"matrix": ["A row cannot move to another matrix."]})
        services.row_update(row=row, actor=request.user, door=Door.API, **fields)
        return Response(self._render(row))

    def perform_destroy(self, instance):
        services.row_delete(row=instance, actor=self.request.user, door=Door.API)

    @extend_schema(request=s.ReassignSerializer, responses=s.RowSerializer)
    @action(detail=True, methods=["post"], serializer_class=s.ReassignSerializer)
    def reassign(self, request, pk=None):
        row = self.get_object()
        data = s.ReassignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.row_reassign(row=row, actor=request.user, door=Door.API, **data.validated_data)
        return Response(self._render(row))

    def _render(self, row):
        return s.RowSerializer(self.get_queryset().get(pk=row.pk)).data

