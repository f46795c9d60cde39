from django.contrib.auth import get_user_model
from rest_framework import serializers

from cadence import rules
from cadence.models import ActionItem, Decision, Occurrence, Ritual, Status
from cadence.services import LINK_MODELS
from revops import fiscal
from revops.api import strict
from revops.api.fastlist import datetime_, duration
from revops.models import Function
from runbook.models import Section


class RitualSerializer(strict.ModelSerializer):
    """The contract (docs/api.md); the schedule itself is checked by the service."""

    owner = strict.SlugRelatedField(slug_field="slug", queryset=Function.objects.all(),
                                    allow_null=True, required=False)
    attendees = strict.SlugRelatedField(slug_field="slug", many=True, required=False,
                                        queryset=Function.objects.all())
    output_section = strict.KeyField(
        queryset=Section.objects.all(), allow_null=True, required=False)
    owner_person = strict.KeyField(
        queryset=get_user_model().objects.filter(is_active=True), allow_null=True,
        required=False)
    duration_minutes = strict.IntegerField(required=False)
    timezone = strict.CharField(max_length=64, required=False)
    rrule = strict.CharField(max_length=300)
    schedule_text = strict.CharField(read_only=True)

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


class OccurrenceSerializer(strict.ModelSerializer):
    ritual_name = strict.CharField(source="ritual.name", read_only=True)
    reviewed_sections = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    present = strict.SlugRelatedField(slug_field="slug", many=True, read_only=True,
                                      help_text="The functions that were there.")

    class Meta:
        model = Occurrence
        fields = ["id", "ritual", "ritual_name", "scheduled_for", "status", "notes",
                  "notes_html", "reviewed_sections", "recorded_at", "present", "rating"]
        read_only_fields = fields


OCCURRENCE_LIST_VALUES = ("id", "ritual_id", "ritual__name", "scheduled_for", "status", "notes",
                          "notes_html", "recorded_at", "rating")


class LinkSerializer(serializers.Serializer):
    """The item of the model a decision changes."""

    kind = strict.ChoiceField(choices=list(LINK_MODELS))
    id = strict.IntegerField(min_value=1, max_value=2**63 - 1)
    label = strict.CharField(read_only=True, help_text="What the item is called.")

    def to_representation(self, link):
        kind, item = link
        return {"kind": kind, "id": item.pk, "label": str(item)}

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        item = LINK_MODELS[value["kind"]].objects.filter(pk=value["id"]).first()
        if item is None:
            raise serializers.ValidationError({"id": f"No {value['kind']} with id "
                                                     f"{value['id']}."})
        return value["kind"], item


class DecisionSerializer(strict.ModelSerializer):
    owner = strict.SlugRelatedField(slug_field="slug", queryset=Function.objects.all(),
                                    help_text="The function that owns the decision.")
    link = LinkSerializer(required=False, allow_null=True,
                          help_text="The section, definition, RACI row or ritual it changes.")
    revisit_on = strict.DateField(required=False, allow_null=True)

    class Meta:
        model = Decision
        fields = ["id", "ritual", "occurrence", "text", "owner", "revisit_on",
                  "revisit_raised_at", "link", "created_at"]
        read_only_fields = ["id", "ritual", "occurrence", "revisit_raised_at", "created_at"]
        extra_kwargs = {"text": {"max_length": rules.OUTCOME_TEXT_MAX}}


class ActionItemSerializer(strict.ModelSerializer):
    ritual_name = strict.CharField(source="ritual.name", read_only=True)
    owner = strict.SlugRelatedField(
        slug_field="username", queryset=get_user_model().objects.filter(is_active=True),
        help_text="The person who does it (username).")
    closed_by = strict.SlugRelatedField(slug_field="username", read_only=True,
                                        allow_null=True)
    reason = strict.CharField(source="drop_reason", read_only=True,
                              help_text="Why it was dropped.")

    class Meta:
        model = ActionItem
        fields = ["id", "ritual", "ritual_name", "occurrence", "text", "owner", "due",
                  "state", "created_at", "closed_at", "closed_by", "reason"]
        read_only_fields = ["id", "ritual", "occurrence", "state", "created_at",
                            "closed_at"]
        extra_kwargs = {"text": {"max_length": rules.OUTCOME_TEXT_MAX}}


class OccurrenceOutcomeSerializer(OccurrenceSerializer):
    """One occurrence with its whole outcome."""

    decisions = DecisionSerializer(many=True, read_only=True)
    actions = ActionItemSerializer(many=True, read_only=True)

    class Meta(OccurrenceSerializer.Meta):
        fields = [*OccurrenceSerializer.Meta.fields, "decisions", "actions"]
        read_only_fields = fields


class DropSerializer(serializers.Serializer):
    reason = strict.CharField(max_length=rules.OUTCOME_TEXT_MAX,
                              help_text="Why the action item is dropped.")


def occurrence_list_items(rows):
    """What ``OccurrenceSerializer(many=True)`` renders, from ``OCCURRENCE_LIST_VALUES``
    rows; the page's reviewed sections in one query."""
    reviewed = {r["id"]: [] for r in rows}
    present = {r["id"]: [] for r in rows}
    for occurrence_id, slug in (
        Occurrence.present.through.objects.filter(occurrence_id__in=list(present))
        .order_by("function__position", "function__slug")
        .values_list("occurrence_id", "function__slug")
    ):
        present[occurrence_id].append(slug)
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
            "present": present[r["id"]], "rating": r["rating"],
        }
        for r in rows
    ]


class RecordSerializer(serializers.Serializer):
    status = strict.ChoiceField(choices=[Status.HELD.value, Status.SKIPPED.value])
    notes = strict.CharField(required=False, allow_blank=True, default="",
                             max_length=20000)
    reviewed_sections = strict.KeyField(
        many=True, queryset=Section.objects.all(), required=False,
        help_text="Sections this meeting reviewed. Omitted: the ritual's output section "
                  "when held; [] reviews none.")
    present = strict.SlugRelatedField(
        slug_field="slug", many=True, queryset=Function.objects.all(), required=False,
        help_text="The ritual's functions that were there (held only).")
    decisions = DecisionSerializer(many=True, required=False)
    actions = ActionItemSerializer(many=True, required=False)
    rating = strict.IntegerField(required=False, allow_null=True,
                                 min_value=rules.RATING_MIN, max_value=rules.RATING_MAX)

    def validate(self, attrs):
        for field in ("decisions", "actions"):
            if len(attrs.get(field, ())) > rules.OUTCOME_ITEMS_MAX:
                raise serializers.ValidationError({field: [
                    f"At most {rules.OUTCOME_ITEMS_MAX} {field} per occurrence."]})
        return attrs


class RitualLintFindingSerializer(serializers.Serializer):
    ritual = strict.IntegerField(source="ritual_id", allow_null=True)
    code = strict.CharField()
    severity = strict.CharField()
    message = strict.CharField()


class TallySerializer(serializers.Serializer):
    held = strict.IntegerField()
    skipped = strict.IntegerField()
    missed = strict.IntegerField()
    held_rate = strict.FloatField(
        allow_null=True, help_text="held / (held + skipped + missed), 0–1; null with none.")


class HorizonTallySerializer(TallySerializer):
    horizon = strict.ChoiceField(choices=rules.HORIZONS)


class ActionTallySerializer(serializers.Serializer):
    """What became of the action items opened in the window."""

    opened = strict.IntegerField()
    done = strict.IntegerField()
    done_on_time = strict.IntegerField(help_text="Done on or before the due day.")
    dropped = strict.IntegerField()
    overdue = strict.IntegerField(help_text="Still open, past the due day.")
    completion_rate = strict.FloatField(
        allow_null=True, help_text="done / (opened − dropped), 0–1; null with none.")


class OwnerTallySerializer(TallySerializer):
    owner = strict.CharField(allow_null=True, help_text="A function slug; null for "
                             "rituals with no owner function.")
    name = strict.CharField()
    actions = ActionTallySerializer(help_text="The action items of this function's rituals.")


class AdherenceWeekSerializer(serializers.Serializer):
    week = strict.DateField(help_text="The Monday the week starts on.")
    horizons = HorizonTallySerializer(many=True)


class AdherenceSerializer(serializers.Serializer):
    """Held / skipped / missed past occurrences over the last ``weeks`` weeks."""

    weeks = strict.IntegerField()
    start = strict.DateTimeField(help_text="Monday 00:00 of the first week.")
    end = strict.DateTimeField(help_text="Now: the window's end, exclusive.")
    total = TallySerializer()
    actions = ActionTallySerializer(help_text="Action items opened in the window.")
    horizons = HorizonTallySerializer(many=True)
    owners = OwnerTallySerializer(many=True)
    by_week = AdherenceWeekSerializer(many=True)


def _tally(tally, **extra):
    return {**extra, "held": tally.held, "skipped": tally.skipped, "missed": tally.missed,
            "held_rate": tally.held_rate}


def _actions(tally):
    return {"opened": tally.opened, "done": tally.done, "done_on_time": tally.done_on_time,
            "dropped": tally.dropped, "overdue": tally.overdue,
            "completion_rate": tally.completion_rate}


def adherence_data(report):
    """The plain data ``AdherenceSerializer`` describes, from ``cadence.adherence`` (asked
    ``with_actions``)."""
    return {
        "weeks": report.weeks, "start": report.start, "end": report.end,
        "total": _tally(report.total), "actions": _actions(report.actions),
        "horizons": [_tally(t, horizon=h) for h, t in report.by_horizon.items()],
        "owners": [_tally(o.tally, owner=o.slug, name=o.name, actions=_actions(o.actions))
                   for o in report.by_owner],
        "by_week": [{"week": w.start,
                     "horizons": [_tally(t, horizon=h) for h, t in w.by_horizon.items()]}
                    for w in report.by_week],
    }
