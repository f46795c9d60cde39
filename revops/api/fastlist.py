"""List pages without a serializer per row, for the lists integrations poll.

DRF's ``ModelSerializer`` spends most of a 500-row page building model instances and
walking its fields, not in SQL. A view with ``FastListMixin`` reads its page with
``.values()`` and turns each row into exactly what its ``serializer_class`` renders
(``tests/api/test_fast_lists.py`` compares both, byte for byte after normalising the
JSON, on the same data). The serializer stays the contract: the OpenAPI schema, the
detail views and the writes still use it.
"""

from rest_framework import fields

_datetime = fields.DateTimeField()
_date = fields.DateField()
_duration = fields.DurationField()


def datetime_(value):
    """A datetime as the serializers write it (ISO 8601 in the current zone, ``Z`` for UTC)."""
    return _datetime.to_representation(value)


def date_(value):
    return _date.to_representation(value)


def duration(value):
    return None if value is None else _duration.to_representation(value)


class FastListMixin:
    # ``list`` from ``.values(*list_values)``; ``list_items(rows)`` makes the page's items
    # (and may read what the rows relate to, in one query for the page). No docstrings
    # here: drf-spectacular publishes an inherited one as the operations' description,
    # and the schema must not change.

    list_values = ()

    def list_items(self, rows):
        raise NotImplementedError

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset()).prefetch_related(None)
        page = self.paginator.paginate_queryset(queryset.values(*self.list_values),
                                                self.request, view=self,
                                                count_queryset=queryset)
        return self.get_paginated_response(self.list_items(page))
