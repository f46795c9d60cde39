from django import template

from revops import rendering
from runbook import diffs
from runbook.models import ReviewState
from runbook.selectors import AgreementState

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


@register.filter
def diff_lines(diff):
    """A unified diff's text as the typed lines ``_diff_lines.html`` shows."""
    return diffs.typed_lines(diff)


@register.filter
def agreement_label(state):
    """“Agreed”, “Changed since agreed”… for a definition's agreement state."""
    return AgreementState.LABELS.get(state, state)
