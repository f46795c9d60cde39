"""An empty install in Chromium: the dashboard and /start/ lead to /setup/, every link on
them opens a page that says what to do, and nothing claims fresh or on track."""

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CLAIMS = ("On track", "Every section was reviewed", "Consistent")
# Pages that are what to do, or say it in words of their own.
GUIDES = ("Start your model: choose your motion", "Set up", "No ", "nothing", "Nothing",
          "Record the first", "not assessed yet")


@pytest.mark.parametrize("start", ["/", "/start/"])
def test_every_link_of_an_empty_install_leads_somewhere_that_says_what_to_do(
        start, lead, sign_in, page, live_server, screenshot):
    sign_in(lead, start)
    assert page.get_by_role("link", name="Start your model: choose your motion").first.is_visible()
    text = page.inner_text("main")
    for claim in CLAIMS:
        assert claim not in text, claim
    screenshot(f"empty-install{start.replace('/', '-') or '-dashboard'}")
    links = page.eval_on_selector_all(
        "main a[href^='/']", "els => [...new Set(els.map(e => e.getAttribute('href')))]")
    assert "/setup/" in links
    for href in sorted({link.split("#")[0] for link in links} - {start}):
        if href.startswith(("/static/", "/accounts/", "/admin/", "/api/")):
            continue
        response = page.goto(f"{live_server.url}{href}")
        assert response.status == 200, href
        body = page.inner_text("main")
        # A page says what to do in words, or is itself the form to do it with.
        assert any(words in body for words in GUIDES) or page.locator("main form").count(), (
            href, body[:300])
        for claim in CLAIMS:
            assert claim not in body, (href, claim)
