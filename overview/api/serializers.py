from rest_framework import serializers


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
    """What a person holds: the departure drill (DESIGN.md §4 names these fields)."""

    user = serializers.CharField()
    functions = serializers.SerializerMethodField()
    sections = HeldSectionSerializer(many=True)
    raci_rows = HeldRowSerializer(many=True)
    rituals = HeldRitualSerializer(many=True)
    tokens = serializers.SerializerMethodField()
    feed_tokens = serializers.SerializerMethodField()
    webhooks = serializers.SerializerMethodField()
    readiness_impact = ImpactSerializer(many=True)

    def get_functions(self, holdings) -> list[str]:
        return [f.slug for f in holdings.functions]

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
    api_tokens_revoked = serializers.SerializerMethodField()
    feed_tokens_revoked = serializers.SerializerMethodField()
    deactivated = serializers.BooleanField()

    def get_functions(self, plan) -> list[str]:
        return [f.slug for f in plan.functions]

    def get_rituals(self, plan) -> list[int]:
        return [r.pk for r in plan.rituals]

    def get_api_tokens_revoked(self, plan) -> int:
        return len(plan.api_tokens)

    def get_feed_tokens_revoked(self, plan) -> int:
        return len(plan.feed_tokens)


class SearchResultSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["section", "ritual", "raci_row", "release"])
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.CharField(help_text="The page to read it on.")
    snippet = serializers.CharField(
        help_text="HTML: the text around the match, matched words in <mark>; all else escaped.")
    rank = serializers.FloatField(help_text="Higher is better: a title match ranks first.")
    review_state = serializers.CharField(
        allow_null=True, help_text="A section's fresh, due, stale or never; null for others.")


class SearchPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = SearchResultSerializer(many=True)
