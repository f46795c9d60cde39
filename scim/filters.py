"""SCIM filters on Users (RFC 7644 §3.4.2.2) as database queries.

scim2-models parses and checks a filter against the User schema; this turns its syntax
tree into a ``Q`` over users, so a search is one query whatever the number of people.
Strings compare without case except ``externalId`` (the schema's ``caseExact``), as the
RFC asks. An attribute the schema does not declare matches nobody (§3.4.2.1); one it
declares but that cannot be searched (``groups``) is refused as an invalid filter.
"""

from datetime import UTC

from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from scim2_models import InvalidFilterException
from scim2_models.path import (
    CompareOperator,
    Comparison,
    LogicalExpr,
    LogicalOperator,
    Not,
    Present,
    ValuePath,
)

# (attribute, sub-attribute) in lower case -> (lookup, kind)
USER_FIELDS = {
    ("id", None): ("pk", "id"),
    ("username", None): ("username", "text"),
    ("externalid", None): ("scim_identity__external_id", "exact_text"),
    ("emails", None): ("email", "text"),
    ("emails", "value"): ("email", "text"),
    ("emails", "type"): ("scim_identity__email_type", "text"),
    ("name", "givenname"): ("first_name", "text"),
    ("name", "familyname"): ("last_name", "text"),
    ("active", None): ("is_active", "bool"),
    ("meta", "created"): ("date_joined", "date"),
}
DECLARED = {"id", "username", "externalid", "emails", "name", "active", "meta", "groups",
            "schemas"}
USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:user"

TEXT_LOOKUPS = {
    CompareOperator.eq: "iexact", CompareOperator.co: "icontains",
    CompareOperator.sw: "istartswith", CompareOperator.ew: "iendswith",
    CompareOperator.gt: "gt", CompareOperator.ge: "gte", CompareOperator.lt: "lt",
    CompareOperator.le: "lte",
}
EXACT_LOOKUPS = {**TEXT_LOOKUPS, CompareOperator.eq: "exact", CompareOperator.co: "contains",
                 CompareOperator.sw: "startswith", CompareOperator.ew: "endswith"}
ORDER_LOOKUPS = {CompareOperator.eq: "exact", CompareOperator.gt: "gt",
                 CompareOperator.ge: "gte", CompareOperator.lt: "lt", CompareOperator.le: "lte"}
NOBODY = Q(pk__in=[])


def user_filter(node, *, within=None):
    """The ``Q`` over users that the filter's syntax tree ``node`` selects. ``within``
    is the multi-valued attribute a value path (``emails[type eq "work"]``) selects in."""
    if isinstance(node, LogicalExpr):
        terms = [user_filter(term, within=within) for term in node.terms]
        combined = terms[0]
        for term in terms[1:]:
            combined = combined & term if node.op == LogicalOperator.and_ else combined | term
        return combined
    if isinstance(node, Not):
        return ~user_filter(node.expr, within=within)
    if isinstance(node, ValuePath):
        return user_filter(node.val_filter, within=node.attr_path.attr)
    if isinstance(node, Present):
        field = _field(node.attr_path, within)
        if field is None:
            return NOBODY
        lookup, kind = field
        return Q(**{f"{lookup}__isnull": False}) & ~Q(**{lookup: ""}) if kind in {
            "text", "exact_text"} else Q(**{f"{lookup}__isnull": False})
    if isinstance(node, Comparison):
        return _comparison(node, within)
    raise InvalidFilterException(detail=f"Cannot search with {node}")


def _field(attr_path, within):
    if attr_path.uri and attr_path.uri.lower() != USER_SCHEMA:
        return None
    attr, sub = attr_path.attr.lower(), (attr_path.sub_attr or "").lower() or None
    if within is not None:
        attr, sub = within.lower(), attr
    if attr not in DECLARED:
        return None
    field = USER_FIELDS.get((attr, sub))
    if field is None:
        raise InvalidFilterException(detail=f"Searching by {attr_path} is not supported.")
    return field


def _comparison(node, within):
    field = _field(node.attr_path, within)
    if field is None:
        return NOBODY
    lookup, kind = field
    op, value = node.op, node.value
    if kind == "bool":
        if op not in {CompareOperator.eq, CompareOperator.ne} or not isinstance(value, bool):
            raise InvalidFilterException(detail=f"{node.attr_path} is true or false.")
        q = Q(**{lookup: value})
    elif kind == "id":
        if op not in {CompareOperator.eq, CompareOperator.ne}:
            raise InvalidFilterException(detail="An id compares with eq or ne only.")
        value = str(value)
        q = Q(**{lookup: int(value)}) if value.isdigit() and len(value) <= 18 else NOBODY
    elif kind == "date":
        value = parse_datetime(value) if isinstance(value, str) else None
        if value is not None and timezone.is_naive(value):
            value = timezone.make_aware(value, UTC)
        if value is None or (op not in ORDER_LOOKUPS and op != CompareOperator.ne):
            raise InvalidFilterException(detail=f"{node.attr_path} is a date and time.")
        q = Q(**{f"{lookup}__{ORDER_LOOKUPS.get(op, 'exact')}": value})
    else:
        if not isinstance(value, str):
            return NOBODY if op != CompareOperator.ne else Q()
        if "\x00" in value:
            raise InvalidFilterException(detail="A NUL character is not text.")
        lookups = TEXT_LOOKUPS if kind == "text" else EXACT_LOOKUPS
        q = Q(**{f"{lookup}__{lookups.get(op, lookups[CompareOperator.eq])}": value})
    return ~q if op == CompareOperator.ne else q
