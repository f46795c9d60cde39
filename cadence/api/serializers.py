from django.contrib.auth import get_user_model
from rest_framework import serializers

from cadence.models import Occurrence, Ritual, Status
from revops.api.fields import KeyField
from revops.models import Function
from runbook.models import Section


class RitualSerializer(serializers.ModelSerializer):
    """The contract of DESIGN.md §4; the schedule itself is checked by the service."""

    owner = serializers.SlugRelatedField(slug_field="slug", queryset=Function.objects.all(),
                                         allow_null=True, required=False)
    attendees = serializers.SlugRelatedField(slug_field="slug", many=True, required=False,
                                             queryset=Function.objects.all())
    output_section = KeyField(
        queryset=Section.objects.all(), allow_null=True, required=False)
    owner_person = KeyField(
        queryset=get_user_model().objects.filter(is_active=True), allow_null=True,
        required=False)
    duration_minutes = serializers.IntegerField(required=False)
    timezone = serializers.CharField(max_length=64, required=False)
    rrule = serializers.CharField(max_length=300)
    schedule_text = serializers.CharField(read_only=True)

    class Meta:
        model = Ritual
        fields = ["id", "name", "horizon", "layer", "owner", "attendees", "duration_minutes",
                  "output", "output_section", "rrule", "timezone", "active", "agenda",
                  "purpose", "owner_person", "agenda_html", "reminder_lead", "grace",
                  "schedule_text", "sequence", "created_at", "updated_at"]
        read_only_fields = ["id", "agenda_html", "schedule_text", "sequence", "created_at",
                            "updated_at"]


class OccurrenceSerializer(serializers.ModelSerializer):
    ritual_name = serializers.CharField(source="ritual.name", read_only=True)
    reviewed_sections = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Occurrence
        fields = ["id", "ritual", "ritual_name", "scheduled_for", "status", "notes",
                  "notes_html", "reviewed_sections", "recorded_at"]
        read_only_fields = fields


class RecordSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=[Status.HELD.value, Status.SKIPPED.value])
    notes = serializers.CharField(required=False, allow_blank=True, default="",
                                  max_length=20000)
    reviewed_sections = KeyField(
        many=True, queryset=Section.objects.all(), required=False,
        help_text="Sections this meeting reviewed. Omitted: the ritual's output section "
                  "when held; [] reviews none.")


class RitualLintFindingSerializer(serializers.Serializer):
    ritual = serializers.IntegerField(source="ritual_id", allow_null=True)
    code = serializers.CharField()
    severity = serializers.CharField()
    message = serializers.CharField()
