"""What the scorecard's endpoints read and write. Shapes only: the rules are the
services'."""

from rest_framework import serializers

from insights.models import Metric

SOURCE_HELP = "What sent the values, e.g. “warehouse nightly job” (kept with each value)."


class MetricSerializer(serializers.ModelSerializer):
    # A system metric (the model's own health) stands on no definition.
    definition = serializers.SlugRelatedField(slug_field="slug", read_only=True,
                                              allow_null=True)
    owner = serializers.SerializerMethodField()

    class Meta:
        model = Metric
        fields = ["slug", "name", "definition", "layer", "unit", "direction", "period",
                  "owner", "formula", "system"]

    def get_owner(self, metric) -> str | None:
        owner = self.context.get("functions", {}).get(metric.owning_function_id)
        return owner.slug if owner else None


class ValueInputSerializer(serializers.Serializer):
    # A string or a number: the service reads either, exactly (no float rounding).
    value = serializers.JSONField()
    source = serializers.CharField(required=False, allow_blank=True, max_length=80,
                                   help_text=SOURCE_HELP)


class BulkInputSerializer(serializers.Serializer):
    values = serializers.ListField(child=serializers.DictField(), allow_empty=False,
                                   help_text="Each {metric, period, value}.")
    source = serializers.CharField(required=False, allow_blank=True, max_length=80,
                                   help_text=SOURCE_HELP)


class CountsSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()


class ValueSerializer(serializers.Serializer):
    metric = serializers.CharField(source="metric.slug")
    period = serializers.CharField()
    value = serializers.DecimalField(max_digits=20, decimal_places=4)
    door = serializers.CharField()
    sent_by = serializers.CharField(source="sent_by_name")
    source = serializers.CharField()
    sent_at = serializers.DateTimeField()


class CellSerializer(serializers.Serializer):
    period = serializers.CharField(source="period.key")
    starts = serializers.DateField(source="period.start")
    value = serializers.DecimalField(max_digits=20, decimal_places=4, allow_null=True)
    target = serializers.DecimalField(max_digits=20, decimal_places=4, allow_null=True)
    warning = serializers.DecimalField(max_digits=20, decimal_places=4, allow_null=True)
    status = serializers.CharField()
    note = serializers.CharField()


class ScorecardRowSerializer(serializers.Serializer):
    metric = serializers.CharField(source="metric.slug")
    name = serializers.CharField(source="metric.name")
    layer = serializers.CharField(source="metric.layer")
    unit = serializers.CharField(source="metric.unit")
    direction = serializers.CharField(source="metric.direction")
    period = serializers.CharField(source="metric.period")
    formula = serializers.CharField(source="metric.formula")
    system = serializers.CharField(source="metric.system")
    owner = serializers.SerializerMethodField()
    off_track_since = serializers.SerializerMethodField()
    values = CellSerializer(source="cells", many=True)

    def get_owner(self, row) -> str | None:
        return row.owner.slug if row.owner else None

    def get_off_track_since(self, row) -> str | None:
        return row.open_item.since if row.open_item else None
