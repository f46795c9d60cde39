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

import json
import math
import re

from rest_framework import exceptions, parsers
from rest_framework.parsers import JSONParser

# A surrogate is never text on its own; a well-formed pair is already decoded by json.
_NOT_TEXT = re.compile("[\x00\ud800-\udfff]")
SURROGATE = re.compile("[\ud800-\udfff]")

NUL_MESSAGE = "Contains a NUL character (\\u0000), which is not allowed in text."
SURROGATE_MESSAGE = "Contains a lone UTF-16 surrogate, which is not valid text."

OVERLONG_MESSAGE = "A whole number this long is beyond what any field holds."
NOT_FINITE_MESSAGE = "A number this large (such as 1e999) is beyond what any field holds."
# Longer than any id or count of ours (a 64-bit number has 19 digits), far shorter than
# Python's own limit on converting digits.
MAX_DIGITS = 30
_OVERLONG = object()

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


def decode(text):
    """JSON text → data, as ``json.loads`` but never failing on a long number: a whole
    number of more than ``MAX_DIGITS`` digits (Python refuses to convert one of more than
    4,300, with a ``ValueError`` that is no ``JSONDecodeError``) is kept as a marker that
    ``problems`` reports with its place."""
    return json.loads(text, parse_int=_whole_number, parse_constant=_no_constant)


def problems(data, parts=()):
    """``(parts, message)`` for every value in decoded JSON that no field can hold — a
    string that is not text, a whole number too long, a number beyond the float range
    (``1e999`` decodes to infinity) — where ``parts`` is its path of keys and indexes.
    A key that is not text is reported at the object holding it: naming it would echo it.
    """
    if isinstance(data, str):
        if message := text_problem(data):
            yield parts, message
    elif data is _OVERLONG:
        yield parts, OVERLONG_MESSAGE
    elif isinstance(data, float):
        if not math.isfinite(data):
            yield parts, NOT_FINITE_MESSAGE
    elif isinstance(data, dict):
        for key, value in data.items():
            if message := text_problem(key):
                yield parts, message
            else:
                yield from problems(value, (*parts, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from problems(value, (*parts, index))


def _whole_number(digits):
    return int(digits) if len(digits.lstrip("-")) <= MAX_DIGITS else _OVERLONG


def _no_constant(name):
    raise ValueError(f"{name} is not a JSON number")


class TextOnlyJSONParser(JSONParser):
    """DRF's JSON parser, refusing what no field, database or response can carry: deep
    nesting, strings that are not text, numbers too long or too large. The field named
    is the top-level key the value sits under."""

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
        try:
            data = decode(text)
        except ValueError as exc:
            raise exceptions.ParseError(f"JSON parse error - {exc}") from None
        for parts, message in problems(data):
            field = parts[0] if parts else "non_field_errors"
            raise exceptions.ValidationError({field: [message]})
        return data
