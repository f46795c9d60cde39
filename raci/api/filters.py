import django_filters

from revops.api.filters import IncludeArchivedFilter


class MatrixFilter(django_filters.FilterSet):
    """``?include=archived``: archived matrices too (the live model's by default)."""

    include = IncludeArchivedFilter()
