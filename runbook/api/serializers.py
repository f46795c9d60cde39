from django.contrib.auth import get_user_model
from rest_framework import serializers

from revops.api import strict
from revops.api.fastlist import date_, datetime_
from revops.models import Function
from runbook.models import (
    MAX_FORMULA_CHARS,
    MAX_REASON_CHARS,
    Agreement,
    Concern,
    Definition,
    DefinitionReview,
    DefinitionRevision,
    Layer,
    Release,
    ReleaseSection,
    Review,
    Revision,
    Runbook,
    Section,
)


def _username(user):
    return user.get_username() if user else None


class SectionSerializer(strict.ModelSerializer):
    """A section as listed: expects a queryset from ``selectors.sections_with_state``."""

    owner = strict.SlugRelatedField(slug_field="slug", read_only=True)
    review_state = strict.CharField(read_only=True)
    stale_since = strict.DateTimeField(read_only=True, allow_null=True)
    escalated_to = strict.CharField(
        read_only=True, allow_null=True,
        help_text="The function (slug) the open stale flag was escalated to, or null.")
    escalated_at = strict.DateTimeField(read_only=True, allow_null=True)
    open_concerns = strict.IntegerField(
        read_only=True, help_text="How many readers' concerns are waiting for an answer.")
    last_reviewed_by_name = serializers.SerializerMethodField()

    class Meta:
        model = Section
        fields = [
            "id",
            "runbook",
            "kind",
            "position",
            "title",
            "owner",
            "revision",
            "last_reviewed_at",
            "last_reviewed_on",
            "last_reviewed_by",
            "last_reviewed_by_name",
            "last_reviewed_revision",
            "review_state",
            "stale_since",
            "escalated_to",
            "escalated_at",
            "open_concerns",
        ]
        read_only_fields = fields

    def get_last_reviewed_by_name(self, section) -> str | None:
        return _username(section.last_reviewed_by)


_USERNAME = f"last_reviewed_by__{get_user_model().USERNAME_FIELD}"
SECTION_LIST_VALUES = (
    "id", "runbook_id", "kind", "position", "title", "owner__slug", "revision",
    "last_reviewed_at", "last_reviewed_on", "last_reviewed_by_id", _USERNAME,
    "last_reviewed_revision", "review_state", "stale_since", "escalated_to", "escalated_at",
    "open_concerns",
)


def section_list_items(rows):
    """What ``SectionSerializer(many=True)`` renders, from ``SECTION_LIST_VALUES`` rows."""
    return [
        {
            "id": r["id"], "runbook": r["runbook_id"], "kind": r["kind"],
            "position": r["position"], "title": r["title"], "owner": r["owner__slug"],
            "revision": r["revision"], "last_reviewed_at": datetime_(r["last_reviewed_at"]),
            "last_reviewed_on": date_(r["last_reviewed_on"]),
            "last_reviewed_by": r["last_reviewed_by_id"], "last_reviewed_by_name": r[_USERNAME],
            "last_reviewed_revision": r["last_reviewed_revision"],
            "review_state": r["review_state"], "stale_since": datetime_(r["stale_since"]),
            "escalated_to": r["escalated_to"], "escalated_at": datetime_(r["escalated_at"]),
            "open_concerns": r["open_concerns"],
        }
        for r in rows
    ]


class SectionDetailSerializer(SectionSerializer):
    body = serializers.SerializerMethodField()
    body_html = serializers.SerializerMethodField()

    class Meta(SectionSerializer.Meta):
        fields = [*SectionSerializer.Meta.fields, "body", "body_html"]
        read_only_fields = fields

    def _current(self, section):
        return self.context.get("current_revision")

    def get_body(self, section) -> str:
        current = self._current(section)
        return current.body if current else ""

    def get_body_html(self, section) -> str:
        current = self._current(section)
        return current.body_html if current else ""


class SectionUpdateSerializer(serializers.Serializer):
    title = strict.CharField(max_length=120, required=False)
    owner = strict.SlugRelatedField(
        slug_field="slug", queryset=Function.objects.all(), required=False
    )


class RevisionSerializer(strict.ModelSerializer):
    created_by = serializers.SerializerMethodField()

    class Meta:
        model = Revision
        fields = [
            "number",
            "base_number",
            "summary",
            "created_at",
            "created_by",
            "door",
            "body",
            "body_html",
        ]
        read_only_fields = fields

    def get_created_by(self, revision) -> str | None:
        return _username(revision.created_by)


class RevisionListSerializer(RevisionSerializer):
    class Meta(RevisionSerializer.Meta):
        fields = ["number", "base_number", "summary", "created_at", "created_by", "door"]
        read_only_fields = fields


class RevisionCreateSerializer(serializers.Serializer):
    body = strict.CharField(allow_blank=True, trim_whitespace=False)
    summary = strict.CharField(allow_blank=True, required=False, max_length=200, default="")
    base_revision = strict.IntegerField(min_value=0)
    mark_reviewed = strict.BooleanField(required=False, default=True)


class ReviewCreateSerializer(serializers.Serializer):
    note = strict.CharField(allow_blank=True, required=False, default="", max_length=2000)


class ReviewSerializer(strict.ModelSerializer):
    reviewer = serializers.SerializerMethodField()

    class Meta:
        model = Review
        fields = ["id", "section", "revision_number", "reviewed_at", "reviewed_on", "reviewer",
                  "door", "note"]
        read_only_fields = fields

    def get_reviewer(self, review) -> str | None:
        return _username(review.reviewer)


class ConcernCreateSerializer(serializers.Serializer):
    reason = strict.CharField(
        max_length=MAX_REASON_CHARS,
        help_text="What looks out of date, in plain text (1 to 1000 characters).")


class ConcernSerializer(strict.ModelSerializer):
    raised_by = serializers.SerializerMethodField()
    resolved_by = serializers.SerializerMethodField()
    open = strict.BooleanField(source="is_open", read_only=True)

    class Meta:
        model = Concern
        fields = ["id", "section", "reason", "raised_by", "raised_at", "door", "open",
                  "resolved_at", "resolved_by", "answer"]
        read_only_fields = fields

    def get_raised_by(self, concern) -> str | None:
        return _username(concern.raised_by)

    def get_resolved_by(self, concern) -> str | None:
        return _username(concern.resolved_by)


class RunbookSectionSerializer(strict.ModelSerializer):
    owner = strict.SlugRelatedField(slug_field="slug", read_only=True)
    review_state = strict.CharField(read_only=True)

    class Meta:
        model = Section
        fields = ["id", "kind", "title", "owner", "revision", "last_reviewed_on", "review_state"]
        read_only_fields = fields


class RunbookSerializer(strict.ModelSerializer):
    sections = RunbookSectionSerializer(many=True, read_only=True)

    class Meta:
        model = Runbook
        fields = ["id", "title", "motion", "is_default", "version", "created_at", "sections"]
        read_only_fields = ["id", "version", "created_at", "sections"]


class RunbookCreateSerializer(serializers.Serializer):
    title = strict.CharField(max_length=120)
    motion = strict.CharField(max_length=60, allow_blank=True, required=False, default="")
    is_default = strict.BooleanField(required=False, default=False)


class ReleaseEntrySerializer(strict.ModelSerializer):
    kind = strict.CharField(source="section.kind")
    title = strict.CharField(source="section.title")
    revision = strict.IntegerField(source="revision.number", allow_null=True)
    last_reviewed_by = strict.CharField(source="last_reviewed_by_name")

    class Meta:
        model = ReleaseSection
        fields = ["section", "kind", "title", "revision", "review_state", "last_reviewed_on",
                  "last_reviewed_by", "last_reviewed_revision"]
        read_only_fields = fields


class ReleaseSerializer(strict.ModelSerializer):
    version = strict.CharField(source="label", read_only=True)
    created_by = serializers.SerializerMethodField()
    sections = ReleaseEntrySerializer(source="entries", many=True, read_only=True)

    class Meta:
        model = Release
        fields = ["id", "runbook", "number", "version", "name", "note", "created_at",
                  "created_by", "sections"]
        read_only_fields = fields

    def get_created_by(self, release) -> str | None:
        return _username(release.created_by)


class ReleaseCreateSerializer(serializers.Serializer):
    name = strict.CharField(max_length=120)
    note = strict.CharField(allow_blank=True, required=False, default="")


class ReleaseCompareQuerySerializer(serializers.Serializer):
    a = strict.IntegerField(min_value=1, help_text="The release to compare from: its "
                            "number (1 for v1).")
    b = strict.IntegerField(min_value=1, help_text="The release to compare to: its "
                            "number (2 for v2).")


class ComparedReleaseSerializer(serializers.Serializer):
    number = strict.IntegerField()
    version = strict.CharField()
    name = strict.CharField()


class PinnedSectionSerializer(serializers.Serializer):
    """What one release recorded for a section when it was cut."""

    revision = strict.IntegerField(allow_null=True)
    review_state = strict.CharField()
    last_reviewed_on = strict.DateField(allow_null=True)
    last_reviewed_by = strict.CharField(allow_blank=True)
    last_reviewed_revision = strict.IntegerField(allow_null=True)


class ComparedSectionSerializer(serializers.Serializer):
    section = strict.IntegerField()
    kind = strict.CharField()
    title = strict.CharField()
    a = PinnedSectionSerializer(allow_null=True)
    b = PinnedSectionSerializer(allow_null=True)
    changed = strict.BooleanField()
    diff = strict.CharField(allow_blank=True, help_text="Unified diff; empty if unchanged.")


class ReleaseComparisonSerializer(serializers.Serializer):
    """``selectors.release_comparison`` as the API shows it."""

    runbook = strict.IntegerField()
    a = ComparedReleaseSerializer()
    b = ComparedReleaseSerializer()
    sections = ComparedSectionSerializer(many=True)


# Definitions ----------------------------------------------------------------------------


class DefinitionSerializer(strict.ModelSerializer):
    """A definition as listed: expects a queryset from ``selectors.definitions_with_state``
    with ``agreeing`` prefetched. The review fields mean what they mean on a section."""

    owner = strict.SlugRelatedField(slug_field="slug", read_only=True)
    agreeing = strict.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    review_state = strict.CharField(read_only=True)
    stale_since = strict.DateTimeField(read_only=True, allow_null=True)
    last_reviewed_by_name = serializers.SerializerMethodField()
    agreement = strict.CharField(
        read_only=True, help_text="none, awaiting, changed (since agreed) or agreed: whether "
        "every agreeing function's head confirmed the current revision.")
    agreed_count = strict.IntegerField(read_only=True)

    class Meta:
        model = Definition
        fields = ["id", "term", "slug", "layer", "owner", "agreeing", "section", "formula",
                  "revision", "last_reviewed_at", "last_reviewed_on", "last_reviewed_by",
                  "last_reviewed_by_name", "last_reviewed_revision", "review_state",
                  "stale_since", "agreement", "agreed_count", "governed"]
        read_only_fields = fields

    def get_last_reviewed_by_name(self, definition) -> str | None:
        return _username(definition.last_reviewed_by)


class AgreementStatusSerializer(serializers.Serializer):
    function = strict.SlugRelatedField(slug_field="slug", read_only=True)
    current = strict.BooleanField(help_text="Agreed to the current revision.")
    agreed_revision = strict.IntegerField(source="agreement.revision_number",
                                          allow_null=True, default=None)
    agreed_at = strict.DateTimeField(source="agreement.agreed_at", allow_null=True,
                                     default=None)


class DefinitionDetailSerializer(DefinitionSerializer):
    body = serializers.SerializerMethodField()
    body_html = serializers.SerializerMethodField()
    agreements = serializers.SerializerMethodField()

    class Meta(DefinitionSerializer.Meta):
        fields = [*DefinitionSerializer.Meta.fields, "body", "body_html", "agreements"]
        read_only_fields = fields

    def get_body(self, definition) -> str:
        current = self.context.get("current_revision")
        return current.body if current else ""

    def get_body_html(self, definition) -> str:
        current = self.context.get("current_revision")
        return current.body_html if current else ""

    def get_agreements(self, definition) -> list[dict]:
        return AgreementStatusSerializer(self.context.get("agreements", []), many=True).data


class DefinitionCreateSerializer(serializers.Serializer):
    term = strict.CharField(max_length=80)
    body = strict.CharField(allow_blank=True, trim_whitespace=False)
    formula = strict.CharField(allow_blank=True, required=False, default="",
                               max_length=MAX_FORMULA_CHARS)
    layer = strict.ChoiceField(choices=Layer.choices)
    owner = strict.SlugRelatedField(slug_field="slug", queryset=Function.objects.all())
    agreeing = strict.SlugRelatedField(slug_field="slug", queryset=Function.objects.all(),
                                       many=True, required=False, default=list)
    section = strict.KeyField(queryset=Section.objects.all(),
                              required=False, allow_null=True, default=None)
    summary = strict.CharField(allow_blank=True, required=False, max_length=200, default="")


class DefinitionUpdateSerializer(serializers.Serializer):
    term = strict.CharField(max_length=80, required=False)
    layer = strict.ChoiceField(choices=Layer.choices, required=False)
    owner = strict.SlugRelatedField(slug_field="slug", queryset=Function.objects.all(),
                                    required=False)
    agreeing = strict.SlugRelatedField(slug_field="slug", queryset=Function.objects.all(),
                                       many=True, required=False)
    section = strict.KeyField(queryset=Section.objects.all(),
                              required=False, allow_null=True)


class DefinitionRevisionSerializer(RevisionSerializer):
    class Meta(RevisionSerializer.Meta):
        model = DefinitionRevision
        fields = [*RevisionSerializer.Meta.fields, "formula"]
        read_only_fields = fields


class DefinitionRevisionListSerializer(RevisionSerializer):
    class Meta(RevisionListSerializer.Meta):
        model = DefinitionRevision
        fields = [*RevisionListSerializer.Meta.fields, "formula"]
        read_only_fields = fields


class DefinitionRevisionCreateSerializer(RevisionCreateSerializer):
    formula = strict.CharField(
        allow_blank=True, required=False, max_length=MAX_FORMULA_CHARS, default=None,
        help_text="The formula with this revision; leave it out to keep the current one.")


class DefinitionReviewSerializer(ReviewSerializer):
    class Meta(ReviewSerializer.Meta):
        model = DefinitionReview
        fields = ["id", "definition", *ReviewSerializer.Meta.fields[2:]]
        read_only_fields = fields


class AgreementCreateSerializer(serializers.Serializer):
    function = strict.SlugRelatedField(
        slug_field="slug", queryset=Function.objects.all(), required=False, default=None,
        help_text="The agreeing function you head (needed only if you head several).")
    revision = strict.IntegerField(
        min_value=1, required=False, default=None,
        help_text="The revision you read; a 409 if the definition has moved on since.")


class AgreementSerializer(strict.ModelSerializer):
    function = strict.SlugRelatedField(slug_field="slug", read_only=True)
    agreed_by = serializers.SerializerMethodField()

    class Meta:
        model = Agreement
        fields = ["id", "definition", "function", "revision_number", "agreed_at", "agreed_by",
                  "door"]
        read_only_fields = fields

    def get_agreed_by(self, agreement) -> str | None:
        return _username(agreement.agreed_by)
