from django.contrib.auth import get_user_model
from rest_framework import serializers

from cadence import rules
from cadence.models import Occurrence, Ritual, Status
from revops import fiscal
from revops.api.fastlist import datetime_, duration
from revops.api.fields import KeyField
from revops.models import Function
from runbook.models import Section


class RitualSerializer(serializers.ModelSerializer):
    """The contract (docs/api.md); the schedule itself is checked by the service."""

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


RITUAL_LIST_VALUES = (
    "id", "name", "horizon", "layer", "owner__slug", "duration_minutes", "output",
    "output_section_id", "rrule", "timezone", "active", "agenda", "purpose",
    "owner_person_id", "agenda_html", "reminder_lead", "grace", "sequence", "created_at",
    "updated_at",
)


def ritual_list_items(rows):
    """What ``RitualSerializer(many=True)`` renders, from ``RITUAL_LIST_VALUES`` rows;
    the page's attendees in one query."""
    attendees = {r["id"]: [] for r in rows}
    for ritual_id, slug in (
        Ritual.attendees.through.objects.filter(ritual_id__in=list(attendees))
        .order_by("function__position", "function__slug")
        .values_list("ritual_id", "function__slug")
    ):
        attendees[ritual_id].append(slug)
    start_month = fiscal.start_month()
    return [
        {
            "id": r["id"], "name": r["name"], "horizon": r["horizon"], "layer": r["layer"],
            "owner": r["owner__slug"], "attendees": attendees[r["id"]],
            "duration_minutes": r["duration_minutes"], "output": r["output"],
            "output_section": r["output_section_id"], "rrule": r["rrule"],
            "timezone": r["timezone"], "active": r["active"], "agenda": r["agenda"],
            "purpose": r["purpose"], "owner_person": r["owner_person_id"],
            "agenda_html": r["agenda_html"], "reminder_lead": duration(r["reminder_lead"]),
            "grace": duration(r["grace"]),
            "schedule_text": rules.describe(r["horizon"], r["rrule"], start_month),
            "sequence": r["sequence"], "created_at": datetime_(r["created_at"]),
            "updated_at": datetime_(r["updated_at"]),
        }
        for r in rows
    ]


class OccurrenceSerializer(serializers.ModelSerializer):
    ritual_name = serializers.CharField(source="ritual.name", read_only=True)
    reviewed_sections = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Occurrence
        fields = ["id", "ritual", "ritual_name", "scheduled_for", "status", "notes",
                  "notes_html", "reviewed_sections", "recorded_at"]
        read_only_fields = fields


OCCURRENCE_LIST_VALUES = ("id", "ritual_id", "ritual__name", "scheduled_for", "status", "notes",
                          "notes_html", "recorded_at")


def occurrence_list_items(rows):
    """What ``OccurrenceSerializer(many=True)`` renders, from ``OCCURRENCE_LIST_VALUES``
    rows; the page's reviewed sections in one query."""
    reviewed = {r["id"]: [] for r in rows}
    for occurrence_id, section_id in (
        Occurrence.reviewed_sections.through.objects.filter(occurrence_id__in=list(reviewed))
        .order_by("section__runbook_id", "section__position")
        .values_list("occurrence_id", "section_id")
    ):
        reviewed[occurrence_id].append(section_id)
    return [
        {
            "id": r["id"], "ritual": r["ritual_id"], "ritual_name": r["ritual__name"],
            "scheduled_for": datetime_(r["scheduled_for"]), "status": r["status"],
            "notes": r["notes"], "notes_html": r["notes_html"],
            "reviewed_sections": reviewed[r["id"]], "recorded_at": datetime_(r["recorded_at"]),
        }
        for r in rows
    ]


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


class TallySerializer(serializers.Serializer):
    held = serializers.IntegerField()
    skipped = serializers.IntegerField()
    missed = serializers.IntegerField()
    held_rate = serializers.FloatField(
        allow_null=True, help_text="held / (held + skipped + missed), 0–1; null with none.")


class HorizonTallySerializer(TallySerializer):
    horizon = serializers.ChoiceField(choices=rules.HORIZONS)


class OwnerTallySerializer(TallySerializer):
    owner = serializers.CharField(allow_null=True, help_text="A function slug; null for "
                                  "rituals with no owner function.")
    name = serializers.CharField()


class AdherenceWeekSerializer(serializers.Serializer):
    week = serializers.DateField(help_text="The Monday the week starts on.")
    horizons = HorizonTallySerializer(many=True)


class AdherenceSerializer(serializers.Serializer):
    """Held / skipped / missed past occurrences over the last ``weeks`` weeks."""

    weeks = serializers.IntegerField()
    start = serializers.DateTimeField(help_text="Monday 00:00 of the first week.")
    end = serializers.DateTimeField(help_text="Now: the window's end, exclusive.")
    total = TallySerializer()
    horizons = HorizonTallySerializer(many=True)
    owners = OwnerTallySerializer(many=True)
    by_week = AdherenceWeekSerializer(many=True)


def _tally(tally, **extra):
    return {**extra, "held": tally.held, "skipped": tally.skipped, "missed": tally.missed,
            "held_rate": tally.held_rate}


def adherence_data(report):
    """The plain data ``AdherenceSerializer`` describes, from ``cadence.adherence``."""
    return {
        "weeks": report.weeks, "start": report.start, "end": report.end,
        "total": _tally(report.total),
        "horizons": [_tally(t, horizon=h) for h, t in report.by_horizon.items()],
        "owners": [_tally(o.tally, owner=o.slug, name=o.name) for o in report.by_owner],
        "by_week": [{"week": w.start,
                     "horizons": [_tally(t, horizon=h) for h, t in w.by_horizon.items()]}
                    for w in report.by_week],
    }
