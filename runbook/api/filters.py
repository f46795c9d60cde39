import django_filters

from revops.api.filters import IncludeArchivedFilter
from revops.models import Function
from runbook.models import Layer, ReviewState, Runbook, SectionKind
from runbook.selectors import AgreementState


class RunbookFilter(django_filters.FilterSet):
    """``?include=archived``: archived run books too (the live model's by default)."""

    include = IncludeArchivedFilter()


class SectionFilter(django_filters.FilterSet):
    """``?runbook=&kind=&owner=&state=&include=``; an unknown value is a 400 naming the
    filter. The live model's sections unless ``include=archived``."""

    include = IncludeArchivedFilter()

    runbook = django_filters.ModelChoiceFilter(queryset=Runbook.objects.all())
    kind = django_filters.ChoiceFilter(choices=SectionKind.choices)
    owner = django_filters.ModelChoiceFilter(
        queryset=Function.objects.all(), to_field_name="slug"
    )
    state = django_filters.ChoiceFilter(choices=ReviewState.choices, field_name="review_state")


class DefinitionFilter(django_filters.FilterSet):
    """``?layer=&owner=&state=&agreement=``; an unknown value is a 400 naming the filter."""

    layer = django_filters.ChoiceFilter(choices=Layer.choices)
    owner = django_filters.ModelChoiceFilter(
        queryset=Function.objects.all(), to_field_name="slug"
    )
    state = django_filters.ChoiceFilter(choices=ReviewState.choices, field_name="review_state")
    agreement = django_filters.ChoiceFilter(choices=list(AgreementState.LABELS.items()))
