from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from overview import maturity, search
from revops.api import strict


class ReadinessCheckSerializer(serializers.Serializer):
    code = strict.CharField()
    passed = strict.BooleanField()
    message = strict.CharField()
    fix_url = strict.CharField()
    gaps = serializers.ListField(child=strict.CharField())


class ReadinessSerializer(serializers.Serializer):
    score = strict.IntegerField()
    checks = ReadinessCheckSerializer(many=True)


class ModelLintFindingSerializer(serializers.Serializer):
    code = strict.CharField(help_text="e.g. accountable_without_ritual, no_responsible.")
    severity = strict.ChoiceField(choices=["warning", "error"])
    message = strict.CharField()
    subject = strict.CharField(
        help_text="What it is about, as kind:key — function:sales, row:12, ritual:3, "
                  "section:7.")


class HeldSectionSerializer(serializers.Serializer):
    id = strict.IntegerField(source="pk")
    title = strict.CharField()
    review_state = strict.CharField()


class HeldRowSerializer(serializers.Serializer):
    id = strict.IntegerField()
    name = strict.CharField()
    letter = strict.CharField()


class HeldRitualSerializer(serializers.Serializer):
    id = strict.IntegerField()
    name = strict.CharField()


class ImpactSerializer(serializers.Serializer):
    code = strict.CharField()
    message = strict.CharField()


class HoldingsSerializer(serializers.Serializer):
    """What a person holds: the departure drill (fields as named in docs/design.md,
    "Departures and hand-over")."""

    user = strict.CharField()
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
    action_items = serializers.SerializerMethodField(
        help_text="Ids of the open action items they owe (a hand-over passes them on).")
    tokens = serializers.SerializerMethodField()
    feed_tokens = serializers.SerializerMethodField()
    webhooks = serializers.SerializerMethodField()
    readiness_impact = ImpactSerializer(many=True)

    def get_action_items(self, holdings) -> list[int]:
        return [a.pk for a in holdings.actions]

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
    to = strict.CharField(max_length=150, help_text="The successor's username.")
    deactivate = strict.BooleanField(default=False)


class HandoverResultSerializer(serializers.Serializer):
    user = strict.CharField(source="person.username")
    to = strict.CharField(source="successor.username")
    functions = serializers.SerializerMethodField()
    rituals = serializers.SerializerMethodField()
    action_items = serializers.SerializerMethodField(
        help_text="The open action items the successor now owes.")
    api_tokens_revoked = serializers.SerializerMethodField()
    feed_tokens_revoked = serializers.SerializerMethodField()
    deactivated = strict.BooleanField()

    deputyships = serializers.SerializerMethodField()
    rights = serializers.ListField(child=strict.CharField(), read_only=True,
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
    leaves_on = strict.DateField(help_text="The day they leave (today or later).")
    successor = strict.SlugRelatedField(
        slug_field="username", queryset=get_user_model().objects.all(), allow_null=True,
        required=False, help_text="Who takes over; none: their seats fall to the deputies.")


class DepartureSerializer(serializers.Serializer):
    user = strict.CharField(source="person.username")
    leaves_on = strict.DateField()
    successor = strict.CharField(source="successor.username", allow_null=True,
                                 default=None)
    recorded_at = strict.DateTimeField()
    done_at = strict.DateTimeField(allow_null=True)
    cancelled_at = strict.DateTimeField(allow_null=True)
    problem = strict.CharField(help_text="Why the day's hand-over could not happen.")


class HandoverItemSerializer(serializers.Serializer):
    id = strict.IntegerField()
    kind = strict.CharField()
    object_id = strict.CharField()
    label = strict.CharField()
    detail = strict.CharField()
    url = strict.CharField()
    accepted_at = strict.DateTimeField(allow_null=True)


class HandoverRecordSerializer(serializers.Serializer):
    id = strict.IntegerField()
    user = strict.CharField(source="person.username")
    to = strict.CharField(source="successor.username")
    at = strict.DateTimeField()
    completed_at = strict.DateTimeField(allow_null=True)
    items = HandoverItemSerializer(many=True)


class SearchResultSerializer(serializers.Serializer):
    type = strict.ChoiceField(choices=search.TYPES)
    id = strict.IntegerField()
    title = strict.CharField()
    url = strict.CharField(help_text="The page to read it on.")
    snippet = strict.CharField(
        help_text="HTML: the text around the match, matched words in <mark>; all else escaped.")
    rank = strict.FloatField(help_text="Higher is better: a title match ranks first.")
    review_state = strict.CharField(
        allow_null=True,
        help_text="A section's or definition's fresh, due, stale or never; null for others.")


class SearchPageSerializer(serializers.Serializer):
    count = strict.IntegerField()
    next = strict.URLField(allow_null=True)
    previous = strict.URLField(allow_null=True)
    results = SearchResultSerializer(many=True)


class MaturityPillarSerializer(serializers.Serializer):
    score = strict.IntegerField()
    stage = strict.CharField()
    evidence = strict.CharField()


class MaturityAssessmentSerializer(serializers.Serializer):
    """One quarter's assessment: each pillar's score, stage and evidence, the overall
    stage (the weakest pillar's) and the constraint pillar(s)."""

    id = strict.IntegerField(source="pk")
    quarter = strict.CharField(source="quarter.code", help_text="e.g. FY2027-Q1.")
    quarter_start = strict.DateField()
    quarter_end = strict.DateField(source="quarter.end")
    pillars = serializers.SerializerMethodField()
    stage = strict.CharField(source="stage.name", help_text=", ".join(
        s.name for s in maturity.STAGES) + ": the stage of the lowest pillar score.")
    stage_number = strict.IntegerField(source="stage.number")
    constraint = serializers.ListField(
        source="constraint_pillars", child=strict.ChoiceField(choices=maturity.PILLARS),
        help_text="The pillar(s) with the lowest score, in pillar order.")
    occurrence = strict.IntegerField(
        source="occurrence_id", allow_null=True,
        help_text="The held operating-model refresh it was tied to, or null.")
    recorded_by = strict.CharField(source="recorded_by.username", allow_null=True,
                                   default=None)
    recorded_at = strict.DateTimeField()
    updated_at = strict.DateTimeField()

    @extend_schema_field({"type": "object", "properties": {
        p: {"type": "object", "properties": {"score": {"type": "integer"},
                                             "stage": {"type": "string"},
                                             "evidence": {"type": "string"}}}
        for p in maturity.PILLARS}})
    def get_pillars(self, obj):
        return {key: {"score": score, "stage": stage.name, "evidence": evidence}
                for key, _, score, stage, evidence in obj.pillars()}


def _score(pillar):
    return strict.IntegerField(
        min_value=maturity.MIN_SCORE, max_value=maturity.MAX_SCORE,
        help_text=f"{maturity.PILLAR_LABELS[pillar]}: {maturity.MIN_SCORE} to "
                  f"{maturity.MAX_SCORE}.")


def _evidence(pillar):
    return strict.CharField(max_length=1000, trim_whitespace=False,
                            help_text=f"What the {pillar} score rests on (required).")


class MaturityAssessInputSerializer(serializers.Serializer):
    """Create this quarter's assessment, or update it when it exists. ``quarter`` may name
    an earlier quarter (``FY2026-Q3``) to record it after the fact."""

    quarter = strict.CharField(required=False, allow_blank=True,
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

    fiscal_year_start_month = strict.IntegerField(
        min_value=1, max_value=12, help_text="The month the fiscal year starts in (1–12).")
    updated_at = strict.DateTimeField(read_only=True, allow_null=True)
    updated_by = serializers.SerializerMethodField()

    def get_updated_by(self, organisation) -> str | None:
        return organisation.updated_by.get_username() if organisation.updated_by_id else None

    def to_representation(self, organisation):
        body = super().to_representation(organisation)
        if organisation._state.adding:  # never saved: the installation's default stands
            body["updated_at"] = None
        return body


class StateChangeSerializer(serializers.Serializer):
    id = strict.IntegerField()
    title = strict.CharField()
    review_state = strict.CharField()
    review_state_after = strict.CharField()


class RitualMoveSerializer(serializers.Serializer):
    id = strict.IntegerField(source="ritual.pk")
    name = strict.CharField(source="ritual.name")
    next = strict.DateTimeField(source="next_now", allow_null=True)
    next_after = strict.DateTimeField(allow_null=True)


class FiscalYearChangeSerializer(serializers.Serializer):
    """What a new fiscal start month changes today: nothing is changed by reading it."""

    fiscal_year_start_month = strict.IntegerField(source="after")
    current_fiscal_year_start_month = strict.IntegerField(source="before")
    summary = strict.CharField()
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
