import django_filters
from django import forms
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions
from rest_framework.filters import BaseFilterBackend

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


class KnownQueryParameters(BaseFilterBackend):
    """A list answers 400 naming any query parameter it does not read: without this,
    ``/api/v1/sections/?search=x`` (no such filter) listed everything, and a caller could
    not tell a typo from an empty filter. A list reads ``format``, its paginator's
    ``page`` and ``page_size``, its filterset's filters and any names in the view's
    ``query_parameters``. First in ``DEFAULT_FILTER_BACKENDS``, so every list is held to
    it; a single object (its lookup in the URL) is not a list and is left alone."""

    ALWAYS = frozenset({"format"})

    def filter_queryset(self, request, queryset, view):
        lookup = getattr(view, "lookup_url_kwarg", None) or getattr(view, "lookup_field", None)
        if lookup and lookup in getattr(view, "kwargs", {}):
            return queryset
        unknown = sorted(set(request.query_params) - self.known(request, queryset, view))
        if unknown:
            takes = ", ".join(sorted(self.known(request, queryset, view))) or "none"
            raise exceptions.ValidationError({
                name: [f"Unknown query parameter. This list takes: {takes}."]
                for name in unknown})
        return queryset

    def known(self, request, queryset, view):
        names = set(self.ALWAYS) | set(getattr(view, "query_parameters", ()))
        paginator = getattr(view, "paginator", None)
        for attribute in ("page_query_param", "page_size_query_param"):
            if name := getattr(paginator, attribute, None):
                names.add(name)
        if DjangoFilterBackend in [type(b) if not isinstance(b, type) else b
                                   for b in view.filter_backends]:
            filterset = DjangoFilterBackend().get_filterset_class(view, queryset)
            if filterset is not None:
                names |= set(filterset.base_filters)
        return names
