"""Markdown to safe HTML: Python-Markdown renders, nh3 keeps only an allow-list.

Everything a reader sees of a section passes through ``render``; the result is
stored with the revision and shown as-is, so sanitizing happens exactly once here.
"""

import re
from html.parser import HTMLParser

import markdown as md
import nh3
from markdown.extensions.toc import TocExtension, slugify

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "ins", "kbd", "li", "ol", "p", "pre",
    "s", "span", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "td": {"align"},
    "th": {"align"},
    "h1": {"id"}, "h2": {"id"}, "h3": {"id"}, "h4": {"id"}, "h5": {"id"}, "h6": {"id"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def _heading_id(value, separator):
    """Heading anchors get a prefix so a section body can never name an element of the
    page around it (``main``, ``preview``…): no DOM clobbering through ids."""
    return "h-" + slugify(value, separator)


EXTENSIONS = ["extra", "sane_lists", TocExtension(slugify=_heading_id)]


def render(body):
    """Sanitized HTML for a Markdown body. Raw HTML in the body is escaped by nh3's
    allow-list, scripts and handlers are dropped, links get ``rel="noopener nofollow"``
    and only http(s)/mailto/relative URLs survive."""
    html = md.markdown(body or "", extensions=EXTENSIONS, output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener nofollow",
        strip_comments=True,
    )


class _LinkCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []
        self._href = None
        self._text = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self._href = dict(attrs).get("href")
            self._text = []

    def handle_data(self, data):
        if self._href is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "a" and self._href is not None:
            if self._href.startswith(("http://", "https://")):
                self.links.append((self._href, "".join(self._text).strip() or self._href))
            self._href = None


def links_out(html):
    """``[(url, text)]`` of the external links in already-sanitized HTML, in order."""
    collector = _LinkCollector()
    collector.feed(html or "")
    return collector.links


_HEADING_TAG = re.compile(r"<(/?)h([1-6])\b")


def headings_from(html, top):
    """Rendered ``html`` with its headings shifted so the highest one is an ``h{top}``
    (never past h6): a body printed under a page's own h1 and section h2 starts at h3
    instead of competing with them. The HTML is ``render``'s, so every ``<hN`` in it is
    a tag (text ``<`` is escaped)."""
    levels = [int(level) for _, level in _HEADING_TAG.findall(html or "")]
    shift = int(top) - min(levels) if levels else 0
    if shift <= 0:
        return html
    return _HEADING_TAG.sub(
        lambda m: f"<{m.group(1)}h{min(6, int(m.group(2)) + shift)}", html)

