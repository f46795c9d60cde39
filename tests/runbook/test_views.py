"""The browser UI: pages, permissions, the conflict screen, bad input, query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from revops.models import Door, Function
from runbook import services
from runbook.dashboard import panel
from runbook.models import Release, Review, Revision, Runbook, Section
from tests.runbook.factories import make_sections, section

pytestmark = pytest.mark.django_db


def give(section_, slug):
    Section.objects.filter(pk=section_.pk).update(owner=Function.objects.get(slug=slug))


def test_every_page_renders_for_a_lead(client, lead, runbook):
    client.force_login(lead)
    s = section(runbook, "process")
    services.release_create(runbook=runbook, name="one", actor=lead, door=Door.UI)
    services.release_create(runbook=runbook, name="two", actor=lead, door=Door.UI)
    for url in [
        "/runbook/", f"/runbook/{runbook.pk}/", f"/runbook/sections/{s.pk}/",
        f"/runbook/sections/{s.pk}/edit/", f"/runbook/sections/{s.pk}/review/",
        f"/runbook/sections/{s.pk}/diff/", f"/runbook/sections/{s.pk}/revisions/1/",
        f"/runbook/{runbook.pk}/releases/", f"/runbook/{runbook.pk}/export.md",
        f"/runbook/{runbook.pk}/print/", "/runbook/new/", "/",
        f"/runbook/{runbook.pk}/releases/1/", f"/runbook/{runbook.pk}/releases/compare/?a=1&b=2",
        f"/runbook/{runbook.pk}/releases/1/export.md", f"/runbook/{runbook.pk}/releases/1/print/",
    ]:
        assert client.get(url).status_code == 200, url


def test_signed_out_visitors_are_sent_to_login(client, runbook):
    response = client.get("/runbook/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_runbook_page_shows_sections_badges_and_stamps(client, lead, viewer, runbook):
    services.section_review(section=section(runbook, "systems"), actor=lead, door=Door.UI)
    client.force_login(viewer)
    page = client.get("/runbook/").content.decode()
    anchors = [f'id="section-{kind}"' for kind in
               ("strategy", "process", "systems", "insights", "cadence", "playbooks")]
    assert [page.index(a) for a in anchors] == sorted(page.index(a) for a in anchors)
    assert 'class="badge fresh"' in page and 'class="badge never"' in page
    assert f"by {lead.username}" in page and "revision 1" in page
    assert "Mark reviewed" not in page  # viewers read only


def test_empty_state_offers_creation_to_leads(client, lead):
    client.force_login(lead)
    assert b"Create the run book" in client.get("/runbook/").content
    response = client.post("/runbook/new/", {"title": "First", "motion": "sales-led"})
    runbook = Runbook.objects.get()
    assert response["Location"] == f"/runbook/{runbook.pk}/"
    assert runbook.sections.count() == 6


def test_only_leads_create_runbooks_and_releases(client, sales_head, runbook):
    client.force_login(sales_head)
    assert client.get("/runbook/new/").status_code == 403
    assert client.post("/runbook/new/", {"title": "X"}).status_code == 403
    assert client.post(f"/runbook/{runbook.pk}/releases/", {"name": "x"}).status_code == 403
    assert not Release.objects.exists()


def test_duplicate_runbook_title_shows_the_error(client, lead, runbook):
    client.force_login(lead)
    response = client.post("/runbook/new/", {"title": runbook.title})
    assert response.status_code == 400
    assert "already exists" in response.content.decode()
    assert Runbook.objects.count() == 1


def test_edit_saves_a_revision_and_marks_reviewed_by_default(client, lead, runbook):
    target = section(runbook, "process")
    client.force_login(lead)
    form = client.get(f"/runbook/sections/{target.pk}/edit/")
    assert 'name="mark_reviewed"' in form.content.decode()
    assert form.context["form"].initial["base_revision"] == 1
    response = client.post(f"/runbook/sections/{target.pk}/edit/", {
        "body": "## Routing\n\nTwo minutes.", "summary": "SLA", "base_revision": 1,
        "mark_reviewed": "on",
    })
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.revision == 2 and target.last_reviewed_revision == 2


def test_edit_conflict_shows_both_versions_and_a_diff_and_keeps_your_text(
    client, lead, runbook
):
    target = section(runbook, "process")
    services.section_revise(section=target, body="Their routing text", base_revision=1,
                            actor=lead, door=Door.API, summary="theirs")
    client.force_login(lead)
    response = client.post(f"/runbook/sections/{target.pk}/edit/", {
        "body": "My routing text", "summary": "mine", "base_revision": 1,
    })
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone saved this section" in page
    assert "Their routing text" in page  # their version
    assert "My routing text" in page  # yours, still in the editor
    assert 'class="del">-Their routing text' in page and 'class="add">+My routing text' in page
    assert response.context["form"].initial["base_revision"] == 2  # merge on top of theirs
    assert Revision.objects.filter(section=target).count() == 2
    merged = client.post(f"/runbook/sections/{target.pk}/edit/", {
        "body": "Merged text", "summary": "merge", "base_revision": 2,
    })
    assert merged.status_code == 302
    assert Revision.objects.filter(section=target).count() == 3


@pytest.mark.parametrize(
    "data, field",
    [
        ({"body": "", "base_revision": 1}, "body"),
        ({"body": "x" * (200 * 1024 + 1), "base_revision": 1}, "body"),
        ({"body": "ok"}, "base_revision"),
        ({"body": "ok", "base_revision": "abc"}, "base_revision"),
    ],
)
def test_edit_bad_input_shows_the_error_and_writes_nothing(client, lead, runbook, data, field):
    target = section(runbook, "process")
    client.force_login(lead)
    response = client.post(f"/runbook/sections/{target.pk}/edit/", data)
    assert response.status_code == 400
    assert response.context["form"].errors.get(field)
    assert Revision.objects.filter(section=target).count() == 1


def test_too_large_body_says_the_limit(client, lead, runbook):
    target = section(runbook, "process")
    client.force_login(lead)
    response = client.post(f"/runbook/sections/{target.pk}/edit/",
                           {"body": "x" * (201 * 1024), "base_revision": 1})
    assert "the limit is 200 KB" in response.content.decode()


def test_preview_renders_sanitized_html_and_refuses_oversize(client, lead, runbook):
    target = section(runbook, "process")
    client.force_login(lead)
    ok = client.post(f"/runbook/sections/{target.pk}/preview/",
                     {"body": "# Hi\n<script>x()</script>"}, HTTP_HX_REQUEST="true")
    assert b"<h1" in ok.content and b"<script" not in ok.content
    big = client.post(f"/runbook/sections/{target.pk}/preview/", {"body": "x" * 300_000})
    assert b"200 KB" in big.content


def test_head_edits_and_reviews_only_own_sections(client, sales_head, runbook):
    mine, other = section(runbook, "process"), section(runbook, "systems")
    give(mine, "sales")
    client.force_login(sales_head)
    assert client.get(f"/runbook/sections/{mine.pk}/edit/").status_code == 200
    assert client.post(f"/runbook/sections/{mine.pk}/review/", {"note": "ok"}).status_code == 302
    for url in (f"/runbook/sections/{other.pk}/edit/", f"/runbook/sections/{other.pk}/review/",
                f"/runbook/sections/{other.pk}/preview/"):
        assert client.post(url, {"body": "x", "base_revision": 1}).status_code == 403
    assert Review.objects.filter(section=other).count() == 0
    page = client.get("/runbook/").content.decode()
    assert page.count(">Mark reviewed<") == 1


def test_viewer_cannot_edit_or_review(client, viewer, runbook):
    target = section(runbook, "process")
    client.force_login(viewer)
    assert client.get(f"/runbook/sections/{target.pk}/edit/").status_code == 403
    assert client.post(f"/runbook/sections/{target.pk}/review/").status_code == 403


def test_mark_reviewed_stamps_and_turns_the_badge_fresh(client, lead, runbook):
    target = section(runbook, "insights")
    services.flag_stale_sections(door=Door.TASK)
    client.force_login(lead)
    assert 'class="badge never"' in client.get(f"/runbook/sections/{target.pk}/").content.decode()
    response = client.post(f"/runbook/sections/{target.pk}/review/", {"note": "Read it"})
    assert response.status_code == 302
    page = client.get(f"/runbook/sections/{target.pk}/").content.decode()
    assert 'class="badge fresh"' in page and "Read it" in page
    assert "flagged stale" not in page


def test_review_with_a_too_long_note_answers_400_and_writes_nothing(client, lead, runbook):
    target = section(runbook, "insights")
    client.force_login(lead)
    response = client.post(f"/runbook/sections/{target.pk}/review/", {"note": "x" * 2001})
    assert response.status_code == 400
    assert response.context["form"].errors.get("note")
    target.refresh_from_db()
    assert target.last_reviewed_at is None


def test_section_page_lists_links_out_and_history(client, lead, runbook):
    target = section(runbook, "systems")
    services.section_revise(section=target, body="See [the register](https://wiki.example.com/r)",
                            base_revision=1, actor=lead, door=Door.UI, summary="register link")
    client.force_login(lead)
    page = client.get(f"/runbook/sections/{target.pk}/").content.decode()
    assert "Links out" in page and 'href="https://wiki.example.com/r"' in page
    assert "register link" in page and "r2" in page and "r1" in page


def test_diff_of_two_revisions_and_bad_numbers(client, lead, runbook):
    target = section(runbook, "systems")
    services.section_revise(section=target, body="alpha\nbeta\n", base_revision=1, actor=lead,
                            door=Door.UI)
    services.section_revise(section=target, body="alpha\ngamma\n", base_revision=2, actor=lead,
                            door=Door.UI)
    client.force_login(lead)
    page = client.get(f"/runbook/sections/{target.pk}/diff/?from=2&to=3").content.decode()
    assert 'class="del">-beta' in page and 'class="add">+gamma' in page
    missing = client.get(f"/runbook/sections/{target.pk}/diff/?from=9&to=3")
    assert missing.status_code == 400 and "no revision 9" in missing.content.decode()
    assert client.get(f"/runbook/sections/{target.pk}/diff/?from=x").status_code == 400
    assert client.get(f"/runbook/sections/{target.pk}/revisions/9/").status_code == 404
    assert client.get("/runbook/sections/999999/").status_code == 404


def test_release_create_warns_and_duplicate_name_is_refused(client, lead, runbook):
    client.force_login(lead)
    response = client.post(f"/runbook/{runbook.pk}/releases/", {"name": "Q3"}, follow=True)
    assert "not reviewed in time" in response.content.decode()
    again = client.post(f"/runbook/{runbook.pk}/releases/", {"name": "q3"})
    assert again.status_code == 400 and "already has a release" in again.content.decode()
    assert Release.objects.count() == 1


def test_release_compare_shows_changed_sections(client, lead, runbook):
    services.release_create(runbook=runbook, name="A", actor=lead, door=Door.UI)
    services.section_revise(section=section(runbook, "cadence"), body="Weekly call on Monday",
                            base_revision=1, actor=lead, door=Door.UI)
    services.release_create(runbook=runbook, name="B", actor=lead, door=Door.UI)
    client.force_login(lead)
    page = client.get(f"/runbook/{runbook.pk}/releases/compare/?a=1&b=2").content.decode()
    assert page.count("Unchanged.") == 5
    assert "+Weekly call on Monday" in page
    bad = client.get(f"/runbook/{runbook.pk}/releases/compare/?a=1&b=7")
    assert bad.status_code == 400
    assert "b: This run book has no release v7 (it has v1 to v2)." in bad.content.decode()
    assert client.get(f"/runbook/{runbook.pk}/releases/compare/?a=v1&b=v2").status_code == 200
    assert client.get(f"/runbook/{runbook.pk}/releases/compare/?a=x&b=2").status_code == 400
    assert client.get(f"/runbook/{runbook.pk}/releases/compare/").status_code == 200


def test_exports_as_markdown_and_print(client, lead, runbook):
    services.section_revise(section=section(runbook, "cadence"), body="# Weekly\n\nMonday call",
                            base_revision=1, actor=lead, door=Door.UI)
    services.release_create(runbook=runbook, name="A", actor=lead, door=Door.UI)
    client.force_login(lead)
    md = client.get(f"/runbook/{runbook.pk}/export.md")
    assert md["Content-Type"].startswith("text/markdown")
    assert "attachment" in md["Content-Disposition"]
    text = md.content.decode()
    assert text.startswith(f"# {runbook.title}")
    assert "## Cadence" in text and "## Weekly" in text  # body headings pushed down a level
    assert text.index("## Strategy and planning") < text.index("## Incident playbooks")
    release_md = client.get(f"/runbook/{runbook.pk}/releases/1/export.md").content.decode()
    assert "v1 A" in release_md
    printed = client.get(f"/runbook/{runbook.pk}/print/").content.decode()
    assert "Monday call" in printed and 'class="topbar"' not in printed


def test_dashboard_panel_lists_stale_and_due(client, lead, runbook):
    client.force_login(lead)
    page = client.get("/").content.decode()
    assert "Run book: sections to review" in page
    assert page.count('class="badge never"') == 6
    data = panel(user=lead, today=timezone.localdate())
    assert data["stale_count"] == 6 and data["due_count"] == 0


def _queries(client, url):
    client.get(url)  # warm per-session caches
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("page", ["runbook", "section", "dashboard", "releases"])
def test_pages_run_the_same_queries_with_6_and_600_sections(client, lead, runbook, page):
    services.release_create(runbook=runbook, name="A", actor=lead, door=Door.UI)
    client.force_login(lead)
    target = section(runbook, "process")
    url = {"runbook": f"/runbook/{runbook.pk}/", "section": f"/runbook/sections/{target.pk}/",
           "dashboard": "/", "releases": f"/runbook/{runbook.pk}/releases/"}[page]
    small = _queries(client, url)
    make_sections(99)
    assert Section.objects.count() == 600
    assert _queries(client, url) == small
