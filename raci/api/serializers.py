"""The RACI's part of the API contract (docs/api.md). Functions appear by slug; a row's
``cells`` is ``{function_slug: letter}`` with its A (or A/R) among them."""

from rest_framework import serializers

from raci import selectors
from raci.models import DESCRIPTION_MAX_LENGTH, Cell, Matrix, Row, SignOff
from revops.api import strict
from revops.models import Function, Layer


class FunctionColumnSerializer(strict.ModelSerializer):
    class Meta:
        model = Function
        fields = ["slug", "name", "position", "head"]


class RowSerializer(strict.ModelSerializer):
    cells = serializers.SerializerMethodField()

    class Meta:
        model = Row
        fields = ["id", "matrix", "layer", "name", "description", "position", "cells"]

    def get_cells(self, row) -> dict[str, str]:
        return selectors.letters_of(row)


ROW_LIST_VALUES = ("id", "matrix_id", "layer", "name", "description", "position",
                   "accountable__slug", "accountable_also_responsible")


def row_list_items(rows):
    """What ``RowSerializer(many=True)`` renders, from ``ROW_LIST_VALUES`` rows; the
    page's cells in one query."""
    cells = {r["id"]: {} for r in rows}
    for row_id, slug, letter in (
        Cell.objects.filter(row_id__in=list(cells))
        .order_by("row_id", "function__position", "function__slug")
        .values_list("row_id", "function__slug", "letter")
    ):
        cells[row_id][slug] = letter
    items = []
    for r in rows:
        letters = cells[r["id"]]
        letters[r["accountable__slug"]] = "A/R" if r["accountable_also_responsible"] else "A"
        items.append({"id": r["id"], "matrix": r["matrix_id"], "layer": r["layer"],
                      "name": r["name"], "description": r["description"],
                      "position": r["position"], "cells": letters})
    return items


class RowWriteSerializer(serializers.Serializer):
    """Input for POST/PATCH; the service checks the letters and the one-A rule."""

    matrix = strict.KeyField(queryset=Matrix.objects.all())
    layer = strict.ChoiceField(choices=Layer.choices, allow_blank=True, required=False)
    name = strict.CharField(max_length=200)
    description = strict.CharField(allow_blank=True, required=False,
                                   max_length=DESCRIPTION_MAX_LENGTH)
    position = strict.IntegerField(min_value=0, required=False)
    cells = serializers.DictField(child=strict.CharField(allow_blank=True, max_length=5))


class ReassignSerializer(serializers.Serializer):
    to = strict.SlugRelatedField(slug_field="slug", queryset=Function.objects.all())
    previous_becomes = strict.CharField(allow_blank=True, max_length=10)
    letter = strict.ChoiceField(choices=["A", "A/R"], default="A")


class SignOffSerializer(strict.ModelSerializer):
    function = strict.SlugRelatedField(slug_field="slug", read_only=True)
    signed_by = strict.CharField(source="signed_by_name", read_only=True)

    class Meta:
        model = SignOff
        fields = ["id", "matrix", "function", "version", "signed_by", "signed_at"]


class SignOffCreateSerializer(serializers.Serializer):
    function = strict.SlugRelatedField(
        slug_field="slug", queryset=Function.objects.all(), required=False
    )
    version = strict.IntegerField(min_value=1, required=False)


class MatrixSerializer(strict.ModelSerializer):
    functions = serializers.SerializerMethodField()
    rows = serializers.SerializerMethodField()
    signoffs = serializers.SerializerMethodField()

    class Meta:
        model = Matrix
        fields = ["id", "title", "version", "is_current", "functions", "rows", "signoffs"]

    def _functions(self):
        if "functions" not in self.context:
            self.context["functions"] = selectors.functions()
        return self.context["functions"]

    def get_functions(self, matrix) -> list[dict]:
        return FunctionColumnSerializer(self._functions(), many=True).data

    def get_rows(self, matrix) -> list[dict]:
        return RowSerializer(matrix.rows.all(), many=True).data

    def get_signoffs(self, matrix) -> list[dict]:
        statuses = selectors.signoff_status(
            matrix, function_list=self._functions(), signoffs=matrix.signoffs.all()
        )
        return [
            {
                "function": status.function.slug,
                "head": status.function.head_id,
                "signed_version": status.latest.version if status.latest else None,
                "signed_at": status.latest.signed_at if status.latest else None,
                "signed_by": status.latest.signed_by_name if status.latest else None,
                "signed_current": status.signed_current,
                "changed_since_signoff": status.changed_since,
                "awaited": status.expected and not status.signed_current,
            }
            for status in statuses
        ]


class MatrixWriteSerializer(serializers.Serializer):
    title = strict.CharField(max_length=120)
    is_current = strict.BooleanField(required=False, allow_null=True, default=None)


class LintFindingSerializer(serializers.Serializer):
    row = strict.IntegerField(allow_null=True)
    function = strict.CharField(allow_null=True)
    code = strict.CharField()
    severity = strict.CharField()
    message = strict.CharField()


class ImportSerializer(serializers.Serializer):
    file = serializers.FileField()
    version = strict.IntegerField(min_value=1, required=False)


class ImportResultSerializer(serializers.Serializer):
    created = strict.IntegerField()
    updated = strict.IntegerField()
    deleted = strict.IntegerField()
    unchanged = strict.IntegerField()
    reordered = strict.BooleanField()
    version = strict.IntegerField()
