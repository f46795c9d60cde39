import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_sign_in_lands_on_the_dashboard_with_navigation(sign_in_through_the_form, lead, page,
                                                        screenshot):
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in_through_the_form(lead)
    assert page.get_by_role("heading", name="Dashboard").is_visible()
    nav = page.get_by_role("navigation", name="Main")
    for name in ("Dashboard", "Run book", "RACI", "Cadence", "API docs", "Console"):
        assert nav.get_by_role("link", name=name).is_visible()
    screenshot("core-dashboard")
    assert errors == [], errors


def test_wrong_password_shows_an_error_and_stays_on_login(page, live_server, viewer):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(viewer.username)
    page.get_by_label("Password").fill("wrong-password")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("alert").is_visible()
    assert "/accounts/login/" in page.url


def test_layout_is_usable_on_a_phone(sign_in, viewer, page, screenshot):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(viewer)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    screenshot("core-dashboard-phone")


def test_api_docs_render_under_our_content_security_policy(sign_in, viewer, page, live_server):
    blocked = []
    page.on("console", lambda m: blocked.append(m.text) if "script-src" in m.text else None)
    sign_in(viewer)
    page.goto(f"{live_server.url}/api/docs/")
    page.get_by_text("RevOps operating model API").first.wait_for()
    assert blocked == []
