from django import template

from runbook import rendering
from runbook.models import ReviewState

register = template.Library()


@register.filter
def state_label(state):
    """“Fresh”, “Due”, “Stale” or “Never reviewed” for a review state slug."""
    try:
        return ReviewState(state).label
    except ValueError:
        return state


@register.inclusion_tag("runbook/_badge.html")
def state_badge(state):
    return {"state": state}


@register.filter
def links_out(html):
    """The external links of a rendered section, for the “Links out” list."""
    return rendering.links_out(html)
