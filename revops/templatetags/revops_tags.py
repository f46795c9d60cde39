from django import template

from revops import audit

register = template.Library()


@register.filter
def readable_changes(changes):
    """An audit entry's changes as lines (``audit.readable``): the one way they are shown."""
    return audit.readable(changes)
