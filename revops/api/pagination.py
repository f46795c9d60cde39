"""Page-number pagination held to what it says: ``page`` and ``page_size`` are whole
numbers from 1 (``page_size`` up to 500), and anything else is a 400 naming the
parameter. DRF's own paginator reads an unreadable ``page_size`` (``null``, ``true``) as
"the default" — an integration's mistake would pass for a choice."""

from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination


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

    def get_page_size(self, request):
        return _whole_number(request, self.page_size_query_param,
                             most=self.max_page_size) or self.page_size

    def paginate_queryset(self, queryset, request, view=None):
        _whole_number(request, self.page_query_param)
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["maximum"] = self.max_page_size
        return parameters
