"""How a metric's number reads, after its unit."""

from django import template
from django.utils.formats import number_format

register = template.Library()

SUFFIX = {"percent": " %", "duration": " d", "hours": " h"}


@register.filter
def metric_value(value, unit):
    """``31.5 %``, ``25,000``, ``12 d``; "missing" for no value (never a zero)."""
    if value is None:
        return "missing"
    shown = value.normalize() if value == value.to_integral() else round(value, 2)
    text = number_format(shown, decimal_pos=0 if value == value.to_integral() else None,
                         use_l10n=True, force_grouping=True)
    return f"{text}{SUFFIX.get(unit, '')}"
