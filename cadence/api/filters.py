import django_filters

from cadence.models import Ritual
from revops.api.filters import StrictBooleanFilter


class RitualFilter(django_filters.FilterSet):
    """``?horizon=&layer=&active=&owner__slug=``; a value it cannot read is a 400."""

    active = StrictBooleanFilter()

    class Meta:
        model = Ritual
        fields = ["horizon", "layer", "active", "owner__slug"]
