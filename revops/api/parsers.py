"""Reading request bodies: JSON that is valid JSON but never valid text is refused here,
once for every endpoint, as a 400 naming the field.

JSON may escape a lone UTF-16 surrogate (``"\\ud800"``) or a NUL (``"\\u0000"``). Python
reads both into a ``str``; then a surrogate makes the answer that echoes it unencodable
and PostgreSQL refuses a NUL in text and in ``jsonb`` — each a 500, whichever field it
reaches. Form and multipart bodies cannot carry either: Django decodes them with
replacement characters, and DRF's ``CharField`` refuses NUL.

Nesting is refused too, before ``json`` reads anything: a body of ten thousand ``[``
makes the decoder (and every walk over the result after it) recurse until Python gives
up with a ``RecursionError`` — a 500 on every JSON endpoint. Nothing we accept nests
deeper than a handful of levels, so a small limit is checked by a flat scan.
"""

import io
import re

from rest_framework import exceptions, parsers
from rest_framework.parsers import JSONParser

# A surrogate is never text on its own; a well-formed pair is already decoded by json.
_NOT_TEXT = re.compile("[\x00\ud800-\udfff]")
SURROGATE = re.compile("[\ud800-\udfff]")

NUL_MESSAGE = "Contains a NUL character (\\u0000), which is not allowed in text."
SURROGATE_MESSAGE = "Contains a lone UTF-16 surrogate, which is not valid text."

# The model file nests about ten levels deep; no API body comes close to this.
MAX_DEPTH = 32
# A string (skipped whole, escapes and all) or one bracket.
_STRING_OR_BRACKET = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')


def depth_problem(text, limit=MAX_DEPTH):
    """The message for JSON text whose arrays and objects nest deeper than ``limit``, or
    None. A flat scan, so it cannot itself run out of stack; malformed text is left to
    the decoder to describe."""
    depth = 0
    for token in _STRING_OR_BRACKET.finditer(text):
        bracket = token.group()
        if bracket in ("[", "{"):
            depth += 1
            if depth > limit:
                return f"JSON nested deeper than {limit} levels is not accepted."
        elif bracket in ("]", "}"):
            depth -= 1
    return None


def text_problem(value):
    """The message for a string that is not storable text, or None."""
    found = _NOT_TEXT.search(value)
    if found is None:
        return None
    return NUL_MESSAGE if found.group() == "\x00" else SURROGATE_MESSAGE


def _first_problem(data, field):
    """``(field, message)`` for the first string in ``data`` that is not text; ``field``
    is the top-level key it sits under (``non_field_errors`` when there is none)."""
    if isinstance(data, str):
        message = text_problem(data)
        return (field, message) if message else None
    if isinstance(data, dict):
        for key, value in data.items():
            # A bad key cannot name the field: the answer would echo it.
            if problem := text_problem(key):
                return field or "non_field_errors", problem
            found = _first_problem(value, field or key)
            if found:
                return found
    if isinstance(data, list):
        for value in data:
            found = _first_problem(value, field)
            if found:
                return found
    return None


class TextOnlyJSONParser(JSONParser):
    """DRF's JSON parser, refusing strings that no database or response can carry."""

    def parse(self, stream, media_type=None, parser_context=None):
        raw = stream.read() if stream is not None else b""
        encoding = parsers.get_encoding(parser_context or {})
        try:
            text = raw.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            raise exceptions.ParseError("JSON parse error - the body is not "
                                        f"{encoding} text.") from None
        if message := depth_problem(text):
            raise exceptions.ValidationError({"non_field_errors": [message]})
        data = super().parse(io.BytesIO(raw), media_type, parser_context)
        found = _first_problem(data, None)
        if found and found[0] is None:
            found = "non_field_errors", found[1]
        if found:
            field, message = found
            raise exceptions.ValidationError({field: [message]})
        return data
