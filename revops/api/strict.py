"""The serializer fields and bases every app's API is built from: a JSON body is read as
the schema types it.

DRF reads JSON loosely: a ``BooleanField`` takes ``0``, ``1``, ``"0"`` or ``"yes"``, a
``CharField`` takes ``3`` and makes it ``"3"``, an ``IntegerField`` takes ``"3"`` and
``3.0``, a related field takes ``"3"`` for ``3``. An integration that sends the wrong type
has a bug, and a server that guesses hides it. Here, from a JSON body, a boolean is only
``true`` or ``false``, text only a JSON string, a whole number only a JSON integer (not
``3.0``: the schema says integer, and a float there is a caller's arithmetic leaking
in), a number a JSON integer or float, a date, time, duration or decimal the string the
schema describes, a choice a value of the choice's own type; anything else is a 400
naming the field ("Must be a JSON boolean (true or false), not a string."). ``null`` is
left to ``allow_null`` as before.

Form input is left as DRF reads it: a query string or a multipart body (the RACI CSV and
model-file uploads) carries only text, so there ``"3"`` is 3 and ``"true"`` is true.

Every serializer of the API declares its fields with this module's classes, and a model
serializer derives from its ``ModelSerializer``, which maps model fields to them
(``tests/api/test_strict_json.py`` walks every serializer to hold them to it).
"""

from rest_framework import serializers
from rest_framework.utils import html

_JSON_NAMES = {bool: "boolean", str: "string", int: "number", float: "number",
               dict: "object", list: "array"}
_ARTICLES = {"array": "an", "object": "an"}


def _reads_json(field):
    """Whether the value ``field`` validates came from a JSON body: its root serializer
    was given data that is not a form's (a ``QueryDict`` of a query string or a
    multipart body). A field validating on its own is taken to read text."""
    data = getattr(field.root, "initial_data", None)
    return data is not None and not html.is_html_input(data)


def _json_type(value):
    return _JSON_NAMES.get(type(value), type(value).__name__)


class JSONTyped:
    """Refuses, from a JSON body, a value whose JSON type is not ``json_type`` (a bool
    is never an integer, though Python makes it one)."""

    json_type = "string"
    expected = "JSON string"
    default_error_messages = {"json_type": "Must be a {expected}, not {given}."}

    def to_internal_value(self, data):
        if _reads_json(self) and not self.is_json_type(data):
            given = _json_type(data)
            self.fail("json_type", expected=self.expected,
                      given=f"{_ARTICLES.get(given, 'a')} {given}")
        return super().to_internal_value(data)

    def is_json_type(self, data):
        if self.json_type == "integer":
            return type(data) is int
        if self.json_type == "number":
            return type(data) in (int, float)
        return _json_type(data) == self.json_type


class _Integer(JSONTyped):
    json_type = "integer"
    expected = "JSON integer"


class BooleanField(JSONTyped, serializers.BooleanField):
    json_type = "boolean"
    expected = "JSON boolean (true or false)"


class CharField(JSONTyped, serializers.CharField):
    pass


class SlugField(JSONTyped, serializers.SlugField):
    pass


class EmailField(JSONTyped, serializers.EmailField):
    pass


class URLField(JSONTyped, serializers.URLField):
    pass


class RegexField(JSONTyped, serializers.RegexField):
    pass


class IntegerField(_Integer, serializers.IntegerField):
    pass


class BigIntegerField(_Integer, serializers.BigIntegerField):
    pass


class FloatField(JSONTyped, serializers.FloatField):
    json_type = "number"
    expected = "JSON number"


class DecimalField(JSONTyped, serializers.DecimalField):
    """A decimal is a string in the schema (``"12.50"``), exact where a float is not."""

    expected = "JSON string holding a decimal number"


class DateField(JSONTyped, serializers.DateField):
    expected = "JSON string holding a date (YYYY-MM-DD)"


class DateTimeField(JSONTyped, serializers.DateTimeField):
    expected = "JSON string holding an ISO 8601 date and time"


class DurationField(JSONTyped, serializers.DurationField):
    expected = "JSON string holding a duration"


class ChoiceField(JSONTyped, serializers.ChoiceField):
    """A choice of the type its choices have: DRF matches ``1`` to the choice ``"1"``
    (it compares ``str(value)``), and ``true`` to ``"True"``."""

    def is_json_type(self, data):
        return any(type(data) is type(choice) for choice in self.choices)

    @property
    def expected(self):
        return "JSON " + " or ".join(sorted({_json_type(choice) for choice in self.choices}))


class SlugRelatedField(JSONTyped, serializers.SlugRelatedField):
    pass


class KeyField(_Integer, serializers.PrimaryKeyRelatedField):
    """A related object by its whole-number id. DRF's own field hands the value to the
    database lookup, which turns ``1.5`` (or ``"1.5"``) into ``1``: a caller would set
    an object it never named. From a form, the id's digits."""

    expected = "JSON integer (an id)"
    default_error_messages = {
        "incorrect_type": "Expected a whole-number id, received {data_type}.",
    }

    def to_internal_value(self, data):
        whole = (isinstance(data, int) and not isinstance(data, bool)) or (
            isinstance(data, str) and data.isascii() and data.isdigit()
        )
        if not whole:
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(data)


def _drf_class(ours):
    return next(c for c in ours.__mro__ if c.__module__.startswith("rest_framework"))


_STRICT = {_drf_class(ours): ours for ours in (
    BooleanField, CharField, SlugField, EmailField, URLField, IntegerField,
    BigIntegerField, FloatField, DecimalField, DateField, DateTimeField, DurationField,
)}


class ModelSerializer(serializers.ModelSerializer):
    """DRF's, with the fields it makes for model fields read as strictly as declared
    ones."""

    serializer_field_mapping = {
        model_field: _STRICT.get(field, field)
        for model_field, field in serializers.ModelSerializer.serializer_field_mapping.items()
    }
    serializer_related_field = KeyField
    serializer_choice_field = ChoiceField
