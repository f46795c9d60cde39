"""One way for errors: a service's ValidationError, or the IntegrityError of a named
constraint, becomes a 400 ``{field: [message]}``; the policy's ``Refused`` a 403 with its
message; a domain ``Conflict`` a 409 with what the caller needs to merge; anything else
stays DRF's. Whatever the error, its detail is made encodable: DRF echoes input in its
messages, and a lone surrogate in an echo would turn the 400 into a 500."""

from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from rest_framework import exceptions
from rest_framework.renderers import JSONRenderer
from rest_framework.views import exception_handler as drf_exception_handler

from revops.api.parsers import SURROGATE
from revops.constraints import message_for_integrity_error
from revops.errors import Conflict, LineErrors, Refused


class ConflictError(exceptions.APIException):
    status_code = 409
    default_detail = "The object changed since you read it."
    default_code = "conflict"


def validation_error_detail(exc):
    if hasattr(exc, "error_dict"):
        return {
            ("non_field_errors" if field == "__all__" else field): [
                m for e in errors for m in e.messages
            ]
            for field, errors in exc.error_dict.items()
        }
    return {"non_field_errors": exc.messages}


def exception_handler(exc, context):
    if isinstance(exc, Conflict):
        response = drf_exception_handler(ConflictError(str(exc)), context)
        response.data.update(exc.detail())
        return _in_json(response, context)
    if isinstance(exc, Refused):
        exc = exceptions.PermissionDenied(str(exc))
    elif isinstance(exc, exceptions.ParseError):
        # A body that is not JSON is bad input like any other: ``{field: [message]}``.
        exc = exceptions.ValidationError({"non_field_errors": [str(exc.detail)]})
    elif isinstance(exc, RequestDataTooBig):
        exc = exceptions.ValidationError(
            {"non_field_errors": ["The request body is too large."]}
        )
    elif isinstance(exc, LineErrors):
        response = drf_exception_handler(exceptions.ValidationError(), context)
        response.data = exc.detail()  # as given: DRF would make the line numbers strings
        return encodable(response)
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(validation_error_detail(exc))
    elif isinstance(exc, IntegrityError):
        message = message_for_integrity_error(exc)
        if message is None:
            raise exc
        exc = exceptions.ValidationError({"non_field_errors": [message]})
    return _in_json(encodable(drf_exception_handler(exc, context)), context)


def _in_json(response, context):
    """An error is JSON whatever the endpoint renders when it succeeds (a RACI's CSV, a
    ritual's iCalendar feed): a client reads every error the same way."""
    request = context.get("request")
    if response is not None and request is not None:
        request.accepted_renderer = JSONRenderer()
        request.accepted_media_type = JSONRenderer.media_type
    return response


def _encodable(data):
    if isinstance(data, str) and SURROGATE.search(data):
        clean = SURROGATE.sub("\ufffd", data)
        if isinstance(data, exceptions.ErrorDetail):
            return exceptions.ErrorDetail(clean, data.code)
        return clean
    if isinstance(data, dict):
        return {_encodable(k): _encodable(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_encodable(v) for v in data]
    return data


def encodable(response):
    """The response with every string of its data encodable as UTF-8: a lone surrogate
    becomes the replacement character."""
    if response is not None:
        response.data = _encodable(response.data)
    return response

