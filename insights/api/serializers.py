"""What the scorecard's endpoints read and write. Shapes only: the rules are the
services'."""

from rest_framework import serializers

from insights.models import Metric
from revops.api import strict

SOURCE_HELP = "What sent the values, e.g. “warehouse nightly job” (kept with each value)."


class MetricSerializer(strict.ModelSerializer):
    # A system metric (the model's own health) stands on no definition.
    definition = strict.SlugRelatedField(slug_field="slug", read_only=True,
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
    source = strict.CharField(required=False, allow_blank=True, max_length=80,
                              help_text=SOURCE_HELP)


class BulkInputSerializer(serializers.Serializer):
    values = serializers.ListField(child=serializers.DictField(), allow_empty=False,
                                   help_text="Each {metric, period, value}.")
    source = strict.CharField(required=False, allow_blank=True, max_length=80,
                              help_text=SOURCE_HELP)


class CountsSerializer(serializers.Serializer):
    created = strict.IntegerField()
    updated = strict.IntegerField()
    unchanged = strict.IntegerField()


class ValueSerializer(serializers.Serializer):
    metric = strict.CharField(source="metric.slug")
    period = strict.CharField()
    value = strict.DecimalField(max_digits=20, decimal_places=4)
    door = strict.CharField()
    sent_by = strict.CharField(source="sent_by_name")
    source = strict.CharField()
    sent_at = strict.DateTimeField()


class CellSerializer(serializers.Serializer):
    period = strict.CharField(source="period.key")
    starts = strict.DateField(source="period.start")
    value = strict.DecimalField(max_digits=20, decimal_places=4, allow_null=True)
    target = strict.DecimalField(max_digits=20, decimal_places=4, allow_null=True)
    warning = strict.DecimalField(max_digits=20, decimal_places=4, allow_null=True)
    status = strict.CharField()
    note = strict.CharField()


class ScorecardRowSerializer(serializers.Serializer):
    metric = strict.CharField(source="metric.slug")
    name = strict.CharField(source="metric.name")
    layer = strict.CharField(source="metric.layer")
    unit = strict.CharField(source="metric.unit")
    direction = strict.CharField(source="metric.direction")
    period = strict.CharField(source="metric.period")
    formula = strict.CharField(source="metric.formula")
    system = strict.CharField(source="metric.system")
    owner = serializers.SerializerMethodField()
    off_track_since = serializers.SerializerMethodField()
    values = CellSerializer(source="cells", many=True)

    def get_owner(self, row) -> str | None:
        return row.owner.slug if row.owner else None

    def get_off_track_since(self, row) -> str | None:
        return row.open_item.since if row.open_item else None
