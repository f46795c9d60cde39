"""How a metric's number reads, after its unit (``insights.rules.shown``)."""

from django import template

from insights import rules

register = template.Library()


@register.filter
def metric_value(value, unit):
    return rules.shown(value, unit)
