from django import template

from revops import audit, people, rendering, seats
from revops.listing import LISTED

register = template.Library()


@register.filter
def readable_changes(changes):
    """An audit entry's changes as lines (``audit.readable``): the one way they are shown."""
    return audit.readable(changes)


@register.filter
def headings_from(html, top):
    """A rendered body whose headings start at ``h{top}``, below the page's own."""
    return rendering.headings_from(html, top)


@register.filter
def person(user):
    """A person as headers show them: full name, else username ('' for nobody)."""
    return people.name_of(user)


@register.filter
def seat_holder(function):
    """Who holds ``function``'s seat, with its deputy: "Hannah Kim (deputy: Jamie Osei)",
    or "Vacant (covered by …)" (``seats.holder_label``)."""
    return seats.holder_label(function)


@register.filter
def listed(items):
    """The first ``LISTED`` of ``items``: what one list on a page shows."""
    return items[:LISTED]


@register.filter
def unlisted(items):
    """How many of ``items`` a page's list leaves out (``listed``); ``items`` may be a
    ``FirstOf``, whose length is the whole list's."""
    return max(len(items) - LISTED, 0)
