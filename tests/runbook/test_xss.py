"""No payload of the corpus yields executable markup, in stored HTML or in any page."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from revops import rendering
from revops.models import Door
from runbook import services
from tests.runbook.factories import section

pytestmark = pytest.mark.django_db

CORPUS = [
    block.strip("\n")
    for block in (Path(__file__).with_name("xss_payloads.txt").read_text().split("\n%%\n"))
]
CORPUS[0] = CORPUS[0].split("\n", 1)[1]  # drop the header comment

DANGEROUS_TAGS = {"script", "iframe", "object", "embed", "form", "base", "meta", "link",
                  "style", "svg", "math", "img", "video", "audio", "source", "input", "button",
                  "template", "noscript", "details", "marquee", "body", "frame", "frameset",
                  "applet", "animate", "set"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "background", "data",
                  "srcdoc", "to", "from", "values"}
# The dashboard's own charts are SVG with their figures in a <details>: page structure
# too (their attributes are still checked; a payload's <svg onload> still counts).
PAGE_STRUCTURE = {"body", "form", "input", "button", "link", "meta", "svg", "details"}
BAD_SCHEME = re.compile(r"^(javascript|vbscript|data|livescript):", re.I)


class ExecutableMarkup(HTMLParser):
    """Collects anything a browser could run: script-ish tags, event handlers,
    style attributes, and URLs with an executable scheme (after entity decoding)."""

    def __init__(self, allowed_scripts=(), page=False):
        super().__init__(convert_charrefs=True)
        self.problems = []
        self.allowed_scripts = allowed_scripts
        # A whole page has its own body, forms, buttons and links; their attributes are
        # still checked, and the sanitized fragments may hold none of them.
        self.structural = PAGE_STRUCTURE if page else set()

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and attributes.get("src") in self.allowed_scripts:
            return
        if tag in DANGEROUS_TAGS and tag not in self.structural:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{tag}[{name}]")
            if name == "style":
                self.problems.append(f"{tag}[style]")
            if name in URL_ATTRIBUTES and value:
                compact = re.sub(r"[\x00-\x20]", "", value)
                if BAD_SCHEME.match(compact):
                    self.problems.append(f"{tag}[{name}={value}]")


def executable(html, allowed_scripts=(), page=False):
    parser = ExecutableMarkup(allowed_scripts, page)
    parser.feed(html)
    return parser.problems


def test_the_corpus_is_big_enough():
    assert len(CORPUS) >= 50


def test_the_checker_catches_what_it_should():
    assert executable('<img src=x onerror="alert(1)">')
    assert executable('<a href="java&#x09;script:alert(1)">x</a>')
    assert executable("<svg><script>alert(1)</script></svg>")
    assert not executable('<a href="https://example.com" rel="noopener nofollow">x</a>')


@pytest.mark.parametrize("payload", CORPUS, ids=range(len(CORPUS)))
def test_rendered_html_has_nothing_executable(payload):
    html = rendering.render(payload)
    assert executable(html) == [], html
    assert "<script" not in html.lower()


def test_links_get_noopener_nofollow():
    html = rendering.render("[site](https://example.com) and <https://example.org>")
    assert html.count('rel="noopener nofollow"') == 2
    assert 'href="https://example.com"' in html


def test_ordinary_markdown_survives():
    html = rendering.render(
        "# Title\n\n- one\n- **two**\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n`code`\n"
        "\n[mail](mailto:ops@example.com)\n"
    )
    for fragment in ("<h1", "<li>one</li>", "<strong>two</strong>", "<table>", "<td>1</td>",
                     "<code>code</code>", 'href="mailto:ops@example.com"'):
        assert fragment in html


PAGE_SCRIPTS = ("/static/js/htmx.min.js", "/static/js/search-box.js")


def _pages(runbook, target):
    return [
        f"/runbook/{runbook.pk}/",
        f"/runbook/sections/{target.pk}/",
        f"/runbook/sections/{target.pk}/revisions/2/",
        f"/runbook/sections/{target.pk}/diff/?from=1&to=2",
        f"/runbook/sections/{target.pk}/edit/",
        f"/runbook/sections/{target.pk}/review/",
        f"/runbook/{runbook.pk}/releases/1/",
        f"/runbook/{runbook.pk}/print/",
        f"/runbook/{runbook.pk}/releases/1/print/",
        "/",
    ]


def test_no_page_shows_executable_markup_from_any_payload(client, lead, runbook):
    """All payloads at once in a body, a summary, a review note, a title and a release
    name; every page that shows them must stay inert."""
    target = section(runbook, "process")
    everything = "\n\n".join(CORPUS)
    services.section_update(section=target, title="<img src=x onerror=alert(1)>", actor=lead,
                            door=Door.UI)
    services.section_revise(section=target, body=everything, base_revision=1, actor=lead,
                            door=Door.UI, summary="<script>alert(1)</script>",
                            note='"><svg onload=alert(1)>')
    services.release_create(runbook=runbook, name="<a href=javascript:alert(1)>v</a>",
                            actor=lead, door=Door.UI)
    client.force_login(lead)
    for url in _pages(runbook, target):
        response = client.get(url)
        assert response.status_code == 200, url
        problems = executable(response.content.decode(), allowed_scripts=PAGE_SCRIPTS,
                              page=True)
        assert problems == [], (url, problems[:5])
    preview = client.post(f"/runbook/sections/{target.pk}/preview/", {"body": everything})
    assert executable(preview.content.decode()) == []


@pytest.mark.parametrize("payload", CORPUS[:20], ids=range(20))
def test_api_body_html_is_inert(api, lead, runbook, payload):
    target = section(runbook, "systems")
    client = api.as_user(lead)
    response = client.post(f"/api/v1/sections/{target.pk}/revisions/",
                           {"body": payload, "base_revision": 1}, format="json")
    assert response.status_code == 201
    assert executable(response.json()["body_html"]) == []
    detail = client.get(f"/api/v1/sections/{target.pk}/").json()
    assert executable(detail["body_html"]) == []


def test_heading_ids_cannot_name_elements_of_the_page():
    html = rendering.render("# main\n\n## preview")
    assert 'id="main"' not in html and 'id="preview"' not in html
    assert 'id="h-main"' in html
