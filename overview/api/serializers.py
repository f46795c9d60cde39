from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from overview import maturity, search


class ReadinessCheckSerializer(serializers.Serializer):
    code = serializers.CharField()
    passed = serializers.BooleanField()
    message = serializers.CharField()
    fix_url = serializers.CharField()
    gaps = serializers.ListField(child=serializers.CharField())


class ReadinessSerializer(serializers.Serializer):
    score = serializers.IntegerField()
    checks = ReadinessCheckSerializer(many=True)


class ModelLintFindingSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="e.g. accountable_without_ritual, no_responsible.")
    severity = serializers.ChoiceField(choices=["warning", "error"])
    message = serializers.CharField()
    subject = serializers.CharField(
        help_text="What it is about, as kind:key — function:sales, row:12, ritual:3, "
                  "section:7.")


class HeldSectionSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    title = serializers.CharField()
    review_state = serializers.CharField()


class HeldRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    letter = serializers.CharField()


class HeldRitualSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ImpactSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


class HoldingsSerializer(serializers.Serializer):
    """What a person holds: the departure drill (fields as named in docs/design.md,
    "Departures and hand-over")."""

    user = serializers.CharField()
    functions = serializers.SerializerMethodField()
    deputyships = serializers.SerializerMethodField(
        help_text="Slugs of the functions whose seat they deputise.")
    sections = HeldSectionSerializer(many=True)
    definitions = serializers.SerializerMethodField(
        help_text="Slugs of the definitions their functions own.")
    agreements = serializers.SerializerMethodField(
        help_text="Definition agreements they gave: definition slug, function, revision.")
    raci_rows = HeldRowSerializer(many=True)
    rituals = HeldRitualSerializer(many=True)
    tokens = serializers.SerializerMethodField()
    feed_tokens = serializers.SerializerMethodField()
    webhooks = serializers.SerializerMethodField()
    readiness_impact = ImpactSerializer(many=True)

    def get_functions(self, holdings) -> list[str]:
        return [f.slug for f in holdings.functions]

    def get_deputyships(self, holdings) -> list[str]:
        return [f.slug for f in holdings.deputyships]

    def get_definitions(self, holdings) -> list[str]:
        return [d.slug for d in holdings.definitions]

    def get_agreements(self, holdings) -> list[dict]:
        return [{"definition": a.definition.slug, "function": a.function.slug,
                 "revision": a.revision_number} for a in holdings.agreements]

    def get_tokens(self, holdings) -> int:
        return len(holdings.api_tokens)

    def get_feed_tokens(self, holdings) -> int:
        return len(holdings.feed_tokens)

    def get_webhooks(self, holdings) -> int:
        return len(holdings.webhooks)


class HandoverSerializer(serializers.Serializer):
    to = serializers.CharField(max_length=150, help_text="The successor's username.")
    deactivate = serializers.BooleanField(default=False)


class HandoverResultSerializer(serializers.Serializer):
    user = serializers.CharField(source="person.username")
    to = serializers.CharField(source="successor.username")
    functions = serializers.SerializerMethodField()
    rituals = serializers.SerializerMethodField()
    action_items = serializers.SerializerMethodField(
        help_text="The open action items the successor now owes.")
    api_tokens_revoked = serializers.SerializerMethodField()
    feed_tokens_revoked = serializers.SerializerMethodField()
    deactivated = serializers.BooleanField()

    deputyships = serializers.SerializerMethodField()
    rights = serializers.ListField(child=serializers.CharField(), read_only=True,
                                   help_text="What the successor may do with the seats.")

    def get_functions(self, plan) -> list[str]:
        return [f.slug for f in plan.functions]

    def get_deputyships(self, plan) -> list[str]:
        return [f.slug for f in plan.deputyships]

    def get_rituals(self, plan) -> list[int]:
        return [r.pk for r in plan.rituals]

    def get_action_items(self, plan) -> list[int]:
        return [a.pk for a in plan.actions]

    def get_api_tokens_revoked(self, plan) -> int:
        return len(plan.api_tokens)

    def get_feed_tokens_revoked(self, plan) -> int:
        return len(plan.feed_tokens)


class DepartureInputSerializer(serializers.Serializer):
    leaves_on = serializers.DateField(help_text="The day they leave (today or later).")
    successor = serializers.SlugRelatedField(
        slug_field="username", queryset=get_user_model().objects.all(), allow_null=True,
        required=False, help_text="Who takes over; none: their seats fall to the deputies.")


class DepartureSerializer(serializers.Serializer):
    user = serializers.CharField(source="person.username")
    leaves_on = serializers.DateField()
    successor = serializers.CharField(source="successor.username", allow_null=True,
                                      default=None)
    recorded_at = serializers.DateTimeField()
    done_at = serializers.DateTimeField(allow_null=True)
    cancelled_at = serializers.DateTimeField(allow_null=True)
    problem = serializers.CharField(help_text="Why the day's hand-over could not happen.")


class HandoverItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    object_id = serializers.CharField()
    label = serializers.CharField()
    detail = serializers.CharField()
    url = serializers.CharField()
    accepted_at = serializers.DateTimeField(allow_null=True)


class HandoverRecordSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    user = serializers.CharField(source="person.username")
    to = serializers.CharField(source="successor.username")
    at = serializers.DateTimeField()
    completed_at = serializers.DateTimeField(allow_null=True)
    items = HandoverItemSerializer(many=True)


class SearchResultSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=search.TYPES)
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.CharField(help_text="The page to read it on.")
    snippet = serializers.CharField(
        help_text="HTML: the text around the match, matched words in <mark>; all else escaped.")
    rank = serializers.FloatField(help_text="Higher is better: a title match ranks first.")
    review_state = serializers.CharField(
        allow_null=True,
        help_text="A section's or definition's fresh, due, stale or never; null for others.")


class SearchPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = SearchResultSerializer(many=True)


class MaturityPillarSerializer(serializers.Serializer):
    score = serializers.IntegerField()
    stage = serializers.CharField()
    evidence = serializers.CharField()


class MaturityAssessmentSerializer(serializers.Serializer):
    """One quarter's assessment: each pillar's score, stage and evidence, the overall
    stage (the weakest pillar's) and the constraint pillar(s)."""

    id = serializers.IntegerField(source="pk")
    quarter = serializers.CharField(source="quarter.code", help_text="e.g. FY2027-Q1.")
    quarter_start = serializers.DateField()
    quarter_end = serializers.DateField(source="quarter.end")
    pillars = serializers.SerializerMethodField()
    stage = serializers.CharField(source="stage.name", help_text=", ".join(
        s.name for s in maturity.STAGES) + ": the stage of the lowest pillar score.")
    stage_number = serializers.IntegerField(source="stage.number")
    constraint = serializers.ListField(
        source="constraint_pillars", child=serializers.ChoiceField(choices=maturity.PILLARS),
        help_text="The pillar(s) with the lowest score, in pillar order.")
    occurrence = serializers.IntegerField(
        source="occurrence_id", allow_null=True,
        help_text="The held operating-model refresh it was tied to, or null.")
    recorded_by = serializers.CharField(source="recorded_by.username", allow_null=True,
                                        default=None)
    recorded_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    @extend_schema_field({"type": "object", "properties": {
        p: {"type": "object", "properties": {"score": {"type": "integer"},
                                             "stage": {"type": "string"},
                                             "evidence": {"type": "string"}}}
        for p in maturity.PILLARS}})
    def get_pillars(self, obj):
        return {key: {"score": score, "stage": stage.name, "evidence": evidence}
                for key, _, score, stage, evidence in obj.pillars()}


def _score(pillar):
    return serializers.IntegerField(
        min_value=maturity.MIN_SCORE, max_value=maturity.MAX_SCORE,
        help_text=f"{maturity.PILLAR_LABELS[pillar]}: {maturity.MIN_SCORE} to "
                  f"{maturity.MAX_SCORE}.")


def _evidence(pillar):
    return serializers.CharField(max_length=1000, allow_blank=True, trim_whitespace=False,
                                 help_text=f"What the {pillar} score rests on (required).")


class MaturityAssessInputSerializer(serializers.Serializer):
    """Create this quarter's assessment, or update it when it exists. ``quarter`` may name
    an earlier quarter (``FY2026-Q3``) to record it after the fact."""

    quarter = serializers.CharField(required=False, allow_blank=True,
                                    help_text="FY2027-Q1; default: the current quarter.")
    people = _score("people")
    process = _score("process")
    data = _score("data")
    technology = _score("technology")
    people_evidence = _evidence("people")
    process_evidence = _evidence("process")
    data_evidence = _evidence("data")
    technology_evidence = _evidence("technology")


class OrganisationSerializer(serializers.Serializer):
    """The organisation's settings: ``PATCH`` changes them (RevOps leads)."""

    fiscal_year_start_month = serializers.IntegerField(
        min_value=1, max_value=12, help_text="The month the fiscal year starts in (1–12).")
    updated_at = serializers.DateTimeField(read_only=True, allow_null=True)
    updated_by = serializers.SerializerMethodField()

    def get_updated_by(self, organisation) -> str | None:
        return organisation.updated_by.get_username() if organisation.updated_by_id else None

    def to_representation(self, organisation):
        body = super().to_representation(organisation)
        if organisation._state.adding:  # never saved: the installation's default stands
            body["updated_at"] = None
        return body


class StateChangeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    review_state = serializers.CharField()
    review_state_after = serializers.CharField()


class RitualMoveSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="ritual.pk")
    name = serializers.CharField(source="ritual.name")
    next = serializers.DateTimeField(source="next_now", allow_null=True)
    next_after = serializers.DateTimeField(allow_null=True)


class FiscalYearChangeSerializer(serializers.Serializer):
    """What a new fiscal start month changes today: nothing is changed by reading it."""

    fiscal_year_start_month = serializers.IntegerField(source="after")
    current_fiscal_year_start_month = serializers.IntegerField(source="before")
    summary = serializers.CharField()
    sections = serializers.SerializerMethodField()
    definitions = serializers.SerializerMethodField()
    rituals = RitualMoveSerializer(source="moves", many=True)

    @extend_schema_field(StateChangeSerializer(many=True))
    def get_sections(self, change):
        return [{"id": s.pk, "title": s.full_title, "review_state": s.review_state,
                 "review_state_after": s.review_state_after} for s in change.sections]

    @extend_schema_field(StateChangeSerializer(many=True))
    def get_definitions(self, change):
        return [{"id": d.pk, "title": d.term, "review_state": d.review_state,
                 "review_state_after": d.review_state_after} for d in change.definitions]


class OrganisationUpdateResultSerializer(OrganisationSerializer):
    changed = FiscalYearChangeSerializer(allow_null=True, read_only=True,
                                         help_text="What the change did; null if nothing.")
