from django.contrib.auth import get_user_model
from rest_framework import serializers

from revops.models import AuditEntry, Function


class FunctionSerializer(serializers.ModelSerializer):
    head = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True), allow_null=True, required=False
    )

    class Meta:
        model = Function
        fields = ["slug", "name", "position", "head"]


class FunctionUpdateSerializer(FunctionSerializer):
    class Meta(FunctionSerializer.Meta):
        read_only_fields = ["slug"]


class AuditEntrySerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor_name")

    class Meta:
        model = AuditEntry
        fields = ["id", "at", "actor", "door", "action", "object_type", "object_id",
                  "object_repr", "changes"]
