from rest_framework import mixins, status, viewsets
from rest_framework.response import Response

from revops import policy, selectors, services
from revops.api.filters import AuditEntryFilter
from revops.api.serializers import (
    AuditEntrySerializer,
    ChannelSerializer,
    ChannelUpdateSerializer,
    FunctionSerializer,
    FunctionUpdateSerializer,
    SeatSerializer,
    WebhookCreatedSerializer,
    WebhookSerializer,
)
from revops.models import AuditEntry, Channel, Door, Function, Webhook


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


class SeatViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin,
                  viewsets.GenericViewSet):
    """Seats, one per function: ``PATCH`` names the holder and the deputy (leads only).
    Moving the RevOps seat moves lead rights; a change that would leave nobody with them
    is a 409."""

    queryset = Function.objects.ordered().select_related("head", "deputy")
    serializer_class = SeatSerializer
    lookup_field = "slug"
    lookup_url_kwarg = "function"
    http_method_names = ["get", "patch", "head", "options"]

    def perform_update(self, serializer):
        serializer.instance = services.function_update(
            actor=self.request.user, door=Door.API, function=serializer.instance,
            **serializer.validated_data,
        )


class AuditEntryViewSet(viewsets.ReadOnlyModelViewSet):
    """Who changed what, when, through which door. Read-only: the trail is append-only."""

    queryset = AuditEntry.objects.all()
    serializer_class = AuditEntrySerializer
    filterset_class = AuditEntryFilter

    def get_queryset(self):
        return selectors.audit_shown_to(super().get_queryset(), reader=self.request.user)


class WebhookViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Integrations' subscriptions. Managed and read by RevOps leads only: a webhook's URL
    often carries a secret of the receiver. Deliveries are signed."""

    read_guard = policy.require_administer
    queryset = Webhook.objects.all()
    serializer_class = WebhookSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        webhook = services.webhook_create(
            actor=request.user, door=Door.API, **serializer.validated_data
        )
        return Response(WebhookCreatedSerializer(webhook).data, status=status.HTTP_201_CREATED)

    def perform_update(self, serializer):
        serializer.instance = services.webhook_update(
            actor=self.request.user, door=Door.API, webhook=serializer.instance,
            **serializer.validated_data,
        )


class ChannelViewSet(viewsets.ModelViewSet):
    """Where people read about events (e-mail, Slack-compatible incoming webhooks).
    Managed and read by RevOps leads only: a Slack URL is the channel's secret."""

    read_guard = policy.require_administer
    queryset = Channel.objects.all()
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_serializer_class(self):
        if self.action in {"update", "partial_update"}:
            return ChannelUpdateSerializer
        return ChannelSerializer

    def perform_create(self, serializer):
        serializer.instance = services.channel_create(
            actor=self.request.user, door=Door.API, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.channel_update(
            actor=self.request.user, door=Door.API, channel=serializer.instance,
            **serializer.validated_data)

    def perform_destroy(self, instance):
        services.channel_delete(actor=self.request.user, door=Door.API, channel=instance)
