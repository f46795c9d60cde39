"""Endpoints for the model as a whole: bootstrap from a motion template, export and
import of the model file. All three are RevOps-lead actions (the export holds every
person's e-mail and the whole history); the services ask the policy again."""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from overview import bootstrap, model_file, motions
from revops import policy
from revops.models import Door


class BootstrapSerializer(serializers.Serializer):
    motion = serializers.ChoiceField(choices=motions.MOTIONS)
    replace = serializers.BooleanField(default=False)
    fiscal_year_start_month = serializers.IntegerField(min_value=1, max_value=12,
                                                       required=False)
    invite = serializers.DictField(child=serializers.EmailField(), required=False,
                                   help_text="function slug → e-mail of the head to name")


class ModelImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="A revops-model/1 JSON document.")
    replace = serializers.BooleanField(default=False)


class BootstrapView(APIView):
    """Create a complete model from a motion template: 201 with what was made, 200 when
    the same model is already here, 409 when another model exists and ``replace`` is
    false (with ``replace`` the old one is archived, not destroyed)."""

    @extend_schema(request=BootstrapSerializer, responses={201: OpenApiTypes.OBJECT})
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
        response = Response(model_file.export_model())
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="revops-model-{stamp}.json"'
        return response


class ImportView(APIView):
    """Import a model file (multipart, field ``file``), all or nothing: a 400 names the
    JSON path of every problem; 409 when a model exists and ``replace`` is false."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request={"multipart/form-data": ModelImportSerializer},
                   responses={201: OpenApiTypes.OBJECT})
    def post(self, request):
        policy.require_administer(request.user)
        data = ModelImportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        document = model_file.read_document(data.validated_data["file"].read())
        counts = model_file.import_model(document=document, actor=request.user, door=Door.API,
                                         replace=data.validated_data["replace"])
        return Response(counts, status=status.HTTP_201_CREATED)
