import django_filters

from cadence.models import Ritual
from revops.api.filters import IncludeArchivedFilter, StrictBooleanFilter


class RitualFilter(django_filters.FilterSet):
    """``?horizon=&layer=&active=&owner__slug=&include=``; a value it cannot read is a
    400. The live model's rituals unless ``include=archived``."""

    active = StrictBooleanFilter()
    include = IncludeArchivedFilter()

    class Meta:
        model = Ritual
        fields = ["horizon", "layer", "active", "owner__slug"]
