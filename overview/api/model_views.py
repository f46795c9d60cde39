"""Endpoints for the model as a whole: bootstrap from a motion template, export and
import of the model file. All three are RevOps-lead actions (the export holds every
person's e-mail and the whole history); the services ask the policy again."""

from django.http import Http404, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from overview import bootstrap, imports, model_file, motions
from overview.models import ModelImport
from revops import policy
from revops.api import strict
from revops.models import Door


class BootstrapSerializer(serializers.Serializer):
    motion = strict.ChoiceField(choices=motions.MOTIONS)
    replace = strict.BooleanField(default=False)
    fiscal_year_start_month = strict.IntegerField(min_value=1, max_value=12,
                                                  required=False)
    invite = serializers.DictField(child=strict.EmailField(), required=False,
                                   help_text="function slug → e-mail of the head to name")


class ModelImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="A revops-model/1 JSON document.")
    replace = strict.BooleanField(default=False)


class ModelImportStatusSerializer(strict.ModelSerializer):
    errors = serializers.JSONField(
        help_text="When failed: what the import's 400 would have said, {JSON path: "
                  "[message]} (or {detail} for a refusal or a model already here).")
    summary = serializers.JSONField(
        help_text="When succeeded: the counts of what was written, as a 201 has them.")

    class Meta:
        model = ModelImport
        fields = ["id", "status", "size", "replace", "errors", "summary", "created_at",
                  "started_at", "finished_at"]
        read_only_fields = fields


class BootstrapView(APIView):
    """Create a complete model from a motion template: 201 with what was made, 200 when
    the same model is already here, 409 when another model exists and ``replace`` is
    false (with ``replace`` the old one is archived, not destroyed)."""

    @extend_schema(request=BootstrapSerializer,
                   responses={201: OpenApiTypes.OBJECT, 200: OpenApiTypes.OBJECT})
    def post(self, request):
        policy.require_administer(request.user)
        data = BootstrapSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        outcome = bootstrap.bootstrap(actor=request.user, door=Door.API, **data.validated_data)
        return Response(outcome.summary(),
                        status=status.HTTP_201_CREATED if outcome.created else status.HTTP_200_OK)


class ExportView(APIView):
    """The whole model as one ``revops-model/1`` document (docs/model-format.md)."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        policy.require_administer(request.user)
        response = StreamingHttpResponse(model_file.export_chunks(),
                                         content_type="application/json")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="revops-model-{stamp}.json"'
        return response


class ImportView(APIView):
    """Import a model file (multipart, field ``file``), all or nothing: a 400 names the
    JSON path of every problem; 409 when a model exists and ``replace`` is false.

    A file larger than ``BACKGROUND_IMPORT_BYTES`` (5 MB) is imported by a worker: 202
    with a ``Location`` header naming its status resource
    (``GET /api/v1/model/imports/{id}/``), which holds the same counts or errors."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": ModelImportSerializer},
        responses={
            201: OpenApiResponse(OpenApiTypes.OBJECT, description="Imported: the counts."),
            202: OpenApiResponse(ModelImportStatusSerializer,
                                 description="A file over 5 MB, queued for a worker; "
                                             "Location names its status resource."),
        },
        parameters=[OpenApiParameter(
            "Location", OpenApiTypes.URI, OpenApiParameter.HEADER, response=[202],
            description="The import's status resource, /api/v1/model/imports/{id}/.")])
    def post(self, request):
        policy.require_administer(request.user)
        data = ModelImportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        if upload.size > model_file.BACKGROUND_IMPORT_BYTES:
            job = imports.model_import_queue(raw=upload.read(), actor=request.user,
                                             door=Door.API,
                                             replace=data.validated_data["replace"])
            # Read again: a worker running eagerly (no broker) has finished it already.
            job = imports.model_import_for(pk=job.pk, actor=request.user)
            location = request.build_absolute_uri(
                reverse("model-import-status", kwargs={"pk": job.pk}))
            return Response(ModelImportStatusSerializer(job).data,
                            status=status.HTTP_202_ACCEPTED, headers={"Location": location})
        document = model_file.read_document(upload.read())
        counts = model_file.import_model(document=document, actor=request.user, door=Door.API,
                                         replace=data.validated_data["replace"])
        return Response(counts, status=status.HTTP_201_CREATED)


class ImportStatusView(APIView):
    """A model import a worker runs (see ``POST /model/import/``): queued, running,
    succeeded with its counts, or failed with its errors. Leads only, as the import."""

    @extend_schema(responses={200: ModelImportStatusSerializer})
    def get(self, request, pk):
        job = imports.model_import_for(pk=pk, actor=request.user)
        if job is None:
            raise Http404
        return Response(ModelImportStatusSerializer(job).data)
