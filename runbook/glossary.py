"""``[[term]]`` in run-book Markdown: a link to the definition of the term, or a visibly
broken link when there is none.

Revisions store their sanitized HTML once, but a definition can be created, renamed or
removed after a section was written, so the terms are resolved when a page is shown,
all of a page's terms in one query. The brackets survive Markdown and the sanitizer as
text; only text without markup between them is a term, so what is put back is the
already-escaped text of the page itself.
"""

import re
from html import unescape
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import slugify

from runbook.models import Definition

TERM = re.compile(r"\[\[([^\[\]<>\n]{1,80})\]\]")


def slugs_in(*htmls):
    """The slugs of every ``[[term]]`` in the given HTML."""
    return {slugify(unescape(m.group(1))) for html in htmls for m in TERM.finditer(html or "")}


def known(*htmls):
    """``{slug: term}`` of the definitions named in the given HTML: one query, none when
    no term is named."""
    slugs = slugs_in(*htmls) - {""}
    if not slugs:
        return {}
    return dict(Definition.objects.filter(slug__in=slugs).values_list("slug", "term"))


def link_terms(html, definitions):
    """``html`` with each ``[[term]]`` made a link to its definition (``definitions``:
    what ``known`` returned), or a broken link saying there is no such definition."""
    def link(match):
        text = match.group(1)
        slug = slugify(unescape(text))
        if slug in definitions:
            return format_html('<a class="term-link" href="{}" title="{}">{}</a>',
                               reverse("definitions:detail", args=[slug]),
                               f"Definition: {definitions[slug]}", mark_safe(text))
        return format_html(
            '<a class="term-link term-missing" href="{}?{}" title="{}">{}</a>',
            reverse("definitions:index"), urlencode({"q": unescape(text)}),
            f"No definition named “{unescape(text)}”", mark_safe(text))

    return mark_safe(TERM.sub(link, html or ""))  # noqa: S308 — sanitized, terms re-escaped


def linked(html):
    """``link_terms`` for one page's HTML, with its own lookup."""
    return link_terms(html, known(html))


