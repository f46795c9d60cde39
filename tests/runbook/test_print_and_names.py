"""The print view nests a section's own headings under its title, and history, reviews
and concerns name people as the header does: full name, else username."""

import re

import pytest

from revops.models import Door
from revops.rendering import headings_from, render
from runbook import services
from tests.factories import UserFactory
from tests.runbook.factories import section

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("body", "top", "levels"), [
    ("# A\n\n## B\n\n### C", 3, [3, 4, 5]),
    ("## B\n\n### C", 3, [3, 4]),
    ("### C", 3, [3]),
    ("#### D", 3, [4]),             # already below: left alone
    ("# A\n\n###### F", 3, [3, 6]),  # never past h6
    ("No heading", 3, []),
])
def test_body_headings_start_at_the_level_below_the_page(body, top, levels):
    html = headings_from(render(body), top)
    assert [int(n) for n in re.findall(r"<h([1-6])", html)] == levels
    assert len(re.findall(r"</h[1-6]>", html)) == len(levels)


def test_a_heading_written_as_text_is_not_taken_for_a_tag():
    html = headings_from(render("# Title\n\nType `<h1>` to make a title"), 3)
    assert "<h3" in html and "<code>&lt;h1&gt;</code>" in html


def test_the_print_view_puts_body_headings_below_the_section_title(client, lead, runbook):
    services.section_revise(section=section(runbook, "cadence"),
                            body="# Weekly\n\n## Monday call\n\nNotes", base_revision=1,
                            actor=lead, door=Door.UI)
    client.force_login(lead)
    printed = client.get(f"/runbook/{runbook.pk}/print/").content.decode()
    assert printed.count("<h1") == 1  # the run book's title
    assert '<h3 id="h-weekly">Weekly</h3>' in printed
    assert '<h4 id="h-monday-call">Monday call</h4>' in printed


def test_history_reviews_and_concerns_show_full_names(client, lead, runbook):
    author = UserFactory(username="hk", first_name="Hannah", last_name="Kowalski",
                         is_superuser=True)
    plain = UserFactory(username="plainuser", first_name="", last_name="")
    s = section(runbook, "process")
    services.section_revise(section=s, body="New text", base_revision=1, actor=author,
                            door=Door.UI, summary="edit")
    services.section_review(section=s, actor=author, door=Door.UI, note="fine")
    services.concern_raise(section=s, reason="Old?", actor=plain, door=Door.UI)
    client.force_login(lead)
    page = client.get(f"/runbook/sections/{s.pk}/").content.decode()
    assert page.count("Hannah Kowalski") >= 3  # stamp, history, reviews
    assert "· hk" not in page
    assert "plainuser" in page  # no full name: the username
    revision = client.get(f"/runbook/sections/{s.pk}/revisions/2/").content.decode()
    assert "by Hannah Kowalski" in revision
