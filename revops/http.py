"""Helpers the UI views of every app use to ask the policy and report service errors."""

from django.core.exceptions import PermissionDenied, ValidationError

from revops import policy


def require_administer(request):
    if not policy.can_administer(request.user):
        raise PermissionDenied("Only RevOps leads may do this.")


def require_change(request, obj):
    if not policy.can_change(request.user, obj):
        raise PermissionDenied("Only RevOps leads and the head of the owning function may do this.")


def add_service_errors(form, error):
    """Attach a service's ValidationError to a bound form, field by field."""
    if not isinstance(error, ValidationError):
        raise TypeError(error)
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else None
            for e in errors:
                form.add_error(target, e.messages)
    else:
        form.add_error(None, error.messages)
