"""Page-number pagination held to what it says, whose ``count`` never costs a scan of a
large table.

``page`` and ``page_size`` are whole numbers from 1 (``page_size`` up to 500), and
anything else is a 400 naming the parameter. DRF's own paginator reads an unreadable
``page_size`` (``null``, ``true``) as "the default" — an integration's mistake would pass
for a choice.

Up to ``EXACT_COUNT_UP_TO`` matching rows the count is exact, from a count capped at
one more than that (``SELECT COUNT(*) FROM (… LIMIT 10001)``: it reads at most that many
rows). Above it, on PostgreSQL, ``count`` is the planner's estimate of the rows the
list's query returns (``EXPLAIN``, no rows read) and ``count_is_estimate`` says so; the
``next`` link then comes from reading one row past the page, not from the count, so it
is exact whatever the estimate. SQLite (development, the demo) counts exactly, in one
query. The count reads the list's own filter, not the columns a page shows: no join the
rows need and the count does not.
"""

import json

from django.core.paginator import EmptyPage, Page, PageNotAnInteger
from django.core.paginator import Paginator as DjangoPaginator
from django.db import connections
from django.utils.functional import cached_property
from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

EXACT_COUNT_UP_TO = 10_000


class _PageOfAnEstimate(Page):
    """A page whose ``has_next`` is known from the row read past it."""

    def __init__(self, object_list, number, paginator, *, more):
        super().__init__(object_list, number, paginator)
        self.more = more

    def has_next(self):
        return self.more


class EstimatingPaginator(DjangoPaginator):
    """Django's paginator with ``count`` as described in the module docstring.
    ``count_queryset`` is what is counted (the list's filter alone); by default the
    listed rows themselves."""

    def __init__(self, object_list, per_page, *, count_queryset=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.count_queryset = count_queryset if count_queryset is not None else object_list

    @cached_property
    def _counted(self):
        """``(count, is an estimate)``."""
        if not hasattr(self.count_queryset, "query"):  # a list, not a queryset
            return len(self.count_queryset), False
        rows = self.count_queryset.order_by()
        if not rows.query.combinator and not rows.query.distinct:
            rows = rows.values("pk")  # the filter's joins only, not the columns'
        connection = connections[rows.db]
        if connection.vendor != "postgresql":
            return rows.count(), False
        capped = rows[:EXACT_COUNT_UP_TO + 1].count()
        if capped <= EXACT_COUNT_UP_TO:
            return capped, False
        sql, params = rows.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
            plan = cursor.fetchone()[0]
        plan = json.loads(plan) if isinstance(plan, str) else plan
        # Statistics older than the rows may guess fewer than were just counted.
        return max(int(plan[0]["Plan"]["Plan Rows"]), capped), True

    @cached_property
    def count(self):
        return self._counted[0]

    @property
    def count_is_estimate(self):
        return self._counted[1]

    def validate_number(self, number):
        if not self.count_is_estimate:
            return super().validate_number(number)
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger("That page number is not an integer") from None
        if number < 1:
            raise EmptyPage("That page number is less than 1")
        return number

    def page(self, number):
        if not self.count_is_estimate:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom:bottom + self.per_page + 1])
        if not rows and number > 1:
            raise EmptyPage("That page contains no results")
        return _PageOfAnEstimate(rows[:self.per_page], number, self,
                                 more=len(rows) > self.per_page)


def _whole_number(request, name, *, most=None):
    """The value of query parameter ``name`` as a whole number from 1 (to ``most``), None
    when it is not given; a 400 naming it otherwise."""
    raw = request.query_params.get(name)
    if raw is None:
        return None
    limit = f" to {most}" if most else ""
    if not raw.isascii() or not raw.isdigit() or int(raw) < 1 or (most and int(raw) > most):
        raise exceptions.ValidationError(
            {name: [f"Give a whole number from 1{limit}, not {raw[:20]!r}."]})
    return int(raw)


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    count_queryset = None

    def get_page_size(self, request):
        return _whole_number(request, self.page_size_query_param,
                             most=self.max_page_size) or self.page_size

    def django_paginator_class(self, object_list, per_page):
        return EstimatingPaginator(object_list, per_page, count_queryset=self.count_queryset)

    def paginate_queryset(self, queryset, request, view=None, *, count_queryset=None):
        """``count_queryset``: what to count when the listed rows carry joins the count
        does not need (``FastListMixin`` lists ``.values()`` across relations)."""
        _whole_number(request, self.page_query_param)
        self.count_queryset = count_queryset
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        return Response({
            "count": self.page.paginator.count,
            "count_is_estimate": self.page.paginator.count_is_estimate,
            "next": self.get_next_link(),
            "previous": self.get_previous_link(),
            "results": data,
        })

    def get_paginated_response_schema(self, schema):
        described = super().get_paginated_response_schema(schema)
        described["properties"]["count"]["description"] = (
            f"Exact up to {EXACT_COUNT_UP_TO:,} rows; above, on PostgreSQL, the planner's "
            "estimate (then count_is_estimate is true)")
        described["properties"] = {
            "count": described["properties"]["count"],
            "count_is_estimate": {"type": "boolean", "example": False},
            **{k: v for k, v in described["properties"].items() if k != "count"},
        }
        described["required"] = ["count", "count_is_estimate", "results"]
        return described

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["maximum"] = self.max_page_size
        return parameters
