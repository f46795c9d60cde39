"""Helpers the UI views of every app use to refuse early and report service errors.

A page that leads to a write refuses a person the service would refuse, before it reads
their input (so a refused person learns nothing about it); the service asks the same
guard again whatever the page did, so this is never the only check."""

from django.core.exceptions import ValidationError

from revops import policy


def require_administer(request):
    policy.require_administer(request.user)


def require_change(request, obj):
    policy.require_change(request.user, obj)


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
