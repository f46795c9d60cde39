from rest_framework import mixins, viewsets

from revops import services
from revops.api.serializers import (
    AuditEntrySerializer,
    FunctionSerializer,
    FunctionUpdateSerializer,
)
from revops.models import AuditEntry, Door, Function


class FunctionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    queryset = Function.objects.ordered()
    lookup_field = "slug"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_serializer_class(self):
        if self.action in {"update", "partial_update"}:
            return FunctionUpdateSerializer
        return FunctionSerializer

    def perform_create(self, serializer):
        serializer.instance = services.function_create(
            actor=self.request.user, door=Door.API, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.function_update(
            actor=self.request.user, door=Door.API, function=serializer.instance,
            **serializer.validated_data,
        )


class AuditEntryViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = AuditEntry.objects.all()
    serializer_class = AuditEntrySerializer
    filterset_fields = ["object_type", "object_id", "door", "actor"]
