from django.contrib.auth import get_user_model
from rest_framework import serializers

from revops import registry
from revops.api import strict
from revops.models import AuditEntry, Channel, Function, Layer, Webhook


class FunctionSerializer(strict.ModelSerializer):
    head = strict.KeyField(
        queryset=get_user_model().objects.filter(is_active=True), allow_null=True, required=False
    )

    class Meta:
        model = Function
        fields = ["slug", "name", "position", "head"]


class FunctionUpdateSerializer(FunctionSerializer):
    class Meta(FunctionSerializer.Meta):
        read_only_fields = ["slug"]


class SeatSerializer(strict.ModelSerializer):
    """A function's seat: who holds it, who deputises, since when it is vacant. People
    are named by username; ``null`` leaves the seat vacant (or without a deputy)."""

    function = strict.SlugField(source="slug", read_only=True)
    name = strict.CharField(read_only=True)
    holder = strict.SlugRelatedField(
        source="head", slug_field="username", allow_null=True, required=False,
        queryset=get_user_model().objects.filter(is_active=True))
    deputy = strict.SlugRelatedField(
        slug_field="username", allow_null=True, required=False,
        queryset=get_user_model().objects.filter(is_active=True))
    lead_seat = strict.BooleanField(source="is_revops_seat", read_only=True,
                                    help_text="Its holder has the RevOps lead's rights.")
    covered_by = serializers.SerializerMethodField(help_text="Holder, else deputy, else null.")

    class Meta:
        model = Function
        fields = ["function", "name", "holder", "deputy", "vacant_since", "lead_seat",
                  "covered_by"]
        read_only_fields = ["vacant_since"]

    def get_covered_by(self, function) -> str | None:
        person = function.covered_by
        return person.get_username() if person else None


class AuditEntrySerializer(strict.ModelSerializer):
    actor = strict.CharField(source="actor_name")

    class Meta:
        model = AuditEntry
        fields = ["id", "at", "actor", "door", "action", "object_type", "object_id",
                  "object_repr", "changes"]


class EventNames(serializers.ListField):
    """Names of events the apps registered (``revops.registry``): all of them, or with
    ``channels`` those a channel may subscribe to. Read when a serializer is made (DRF
    builds its declared fields anew for each), not when this module is imported."""

    def __init__(self, *, channels=False, **kwargs):
        names = registry.channel_events() if channels else registry.webhook_events()
        if channels:
            kwargs.setdefault("help_text", "Event kinds to post: " + ", ".join(names) + ".")
        super().__init__(child=strict.ChoiceField(choices=names), allow_empty=False,
                         min_length=1, **kwargs)


class WebhookSerializer(strict.ModelSerializer):
    events = EventNames()
    secret = strict.CharField(
        write_only=True, required=False, allow_blank=True, max_length=128,
        help_text="HMAC-SHA256 key for the X-RevOps-Signature header; generated if omitted.",
    )

    class Meta:
        model = Webhook
        fields = ["id", "url", "events", "secret", "active", "created_at"]
        read_only_fields = ["id", "created_at"]


class WebhookCreatedSerializer(WebhookSerializer):
    """The 201 answer shows the secret once, so a generated one can be stored."""

    secret = strict.CharField(read_only=True)


class ChannelSerializer(strict.ModelSerializer):
    """A notification channel. ``kind`` is ``email`` (give ``address``) or ``slack`` (give
    ``url``, a Slack or Mattermost incoming webhook); it cannot change afterwards."""

    events = EventNames(channels=True)
    layers = serializers.ListField(
        child=strict.ChoiceField(choices=Layer.choices), required=False,
        help_text=Channel._meta.get_field("layers").help_text)

    class Meta:
        model = Channel
        fields = ["id", "name", "kind", "address", "url", "events", "layers", "active",
                  "created_at"]
        read_only_fields = ["id", "created_at"]


class ChannelUpdateSerializer(ChannelSerializer):
    class Meta(ChannelSerializer.Meta):
        read_only_fields = ["id", "kind", "created_at"]
