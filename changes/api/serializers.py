"""The proposal resource and the change log (docs/api.md): input shapes are checked
here, the rules by the services."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from changes.models import Comment, Kind, Proposal
from revops.api import strict


def _username(source):
    """A person named by their username (null for nobody)."""
    return strict.CharField(source=f"{source}.username", read_only=True, allow_null=True)


class CommentSerializer(strict.ModelSerializer):
    author = _username("author")
    function = strict.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Comment
        fields = ["id", "author", "function", "body", "objection", "at"]


class ProposalSerializer(strict.ModelSerializer):
    """A proposal as read; ``out_of_date`` is set by the view from the item as it is."""

    proposer = _username("proposer")
    decided_by = _username("decided_by")
    objections = strict.IntegerField(read_only=True)
    out_of_date = serializers.SerializerMethodField()

    class Meta:
        model = Proposal
        fields = ["id", "kind", "item_id", "item_label", "layer", "state", "reason",
                  "effective_on", "base_version", "base", "fields", "proposer", "opened_at",
                  "decided_by", "decided_at", "decision_note", "applied_at", "applied_version",
                  "meaningful", "reverts", "decision", "objections", "out_of_date"]

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_out_of_date(self, proposal):
        return self.context.get("out_of_date", {}).get(proposal.pk, False)


class ProposalDetailSerializer(ProposalSerializer):
    comments = CommentSerializer(many=True, read_only=True)

    class Meta(ProposalSerializer.Meta):
        fields = [*ProposalSerializer.Meta.fields, "comments"]


class ProposalOpenSerializer(serializers.Serializer):
    kind = strict.ChoiceField(choices=Kind.choices)
    item = strict.IntegerField(min_value=1)
    fields = serializers.DictField()
    reason = strict.CharField(allow_blank=True, trim_whitespace=False)
    effective_on = strict.DateField(required=False, allow_null=True)


class ProposalUpdateSerializer(serializers.Serializer):
    fields = serializers.DictField(required=False)
    reason = strict.CharField(required=False, allow_blank=True)
    effective_on = strict.DateField(required=False, allow_null=True)


class NoteSerializer(serializers.Serializer):
    note = strict.CharField(required=False, allow_blank=True, default="")


class CommentInputSerializer(serializers.Serializer):
    body = strict.CharField(allow_blank=True)
    objection = strict.BooleanField(required=False, default=False)
