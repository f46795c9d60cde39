import django_filters
from django import forms

from revops.models import AuditEntry, Door


class AuditEntryFilter(django_filters.FilterSet):
    actor = django_filters.CharFilter(field_name="actor_name", help_text="username")
    door = django_filters.ChoiceFilter(choices=Door.choices)
    since = django_filters.IsoDateTimeFilter(field_name="at", lookup_expr="gte")
    until = django_filters.IsoDateTimeFilter(field_name="at", lookup_expr="lt")

    class Meta:
        model = AuditEntry
        fields = ["object_type", "object_id", "actor", "door", "action", "since", "until"]


class _StrictBooleanField(forms.NullBooleanField):
    """``true``/``false`` (or ``1``/``0``); anything else is an error, not "no filter"."""

    widget = forms.TextInput

    def to_python(self, value):
        if value in (None, ""):
            return None
        result = super().to_python(value)
        if result is None:
            raise forms.ValidationError("Expected true or false.", code="invalid")
        return result


class StrictBooleanFilter(django_filters.BooleanFilter):
    """django-filter's boolean filter drops a value it cannot read (``?active=yes``
    would list everything): this one answers 400 naming the filter instead."""

    field_class = _StrictBooleanField


ARCHIVED = "archived"


def _as_given(queryset, name, value):
    return queryset


class IncludeArchivedFilter(django_filters.ChoiceFilter):
    """``?include=archived``: archived models' items too. Lists show the live model by
    default; the view applies that default (``include_archived``), since a filter runs
    only when given. Any other value is a 400 naming ``include``."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", "“archived”: archived models’ items too.")
        super().__init__(choices=[(ARCHIVED, "Archived models too")], method=_as_given,
                         **kwargs)


def include_archived(request):
    return request.query_params.get("include") == ARCHIVED
