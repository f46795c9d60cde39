"""Serializer fields shared by every app's API."""

from rest_framework import serializers


class KeyField(serializers.PrimaryKeyRelatedField):
    """A related object by its whole-number id. DRF's own field hands the value to the
    database lookup, which turns ``1.5`` (or ``"1.5"``) into ``1``: a caller would set
    an object it never named."""

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
