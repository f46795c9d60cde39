"""Single sign-on in Chromium against a real OpenID provider on loopback: its own login
page, its consent page, back to the dashboard with the role its groups give."""

import re

import pytest
from django.contrib.auth.models import User

from revops import policy
from revops.models import AuditEntry, ExternalIdentity
from tests import oidc
from tests.factories import LeadFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def provider(live_server, settings):
    with oidc.Provider(live_server.url) as op:
        oidc.configure(settings, op.issuer)
        yield op


def sign_in_at_provider(page, live_server, login):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="Sign in with Test IdP").click()
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("any password")
    page.get_by_role("button", name="Sign-in").click()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{live_server.url}/")


def test_a_lead_signs_in_through_the_provider_and_lands_on_the_dashboard_as_a_lead(
        provider, live_server, page, screenshot, caplog):
    sign_in_at_provider(page, live_server, "lead")
    assert page.get_by_role("heading", name="Dashboard").is_visible()
    assert "RevOps lead" in page.locator(".who").inner_text()
    assert "Lena Lead" in page.locator(".who").inner_text()
    screenshot("sso-lead-dashboard")

    identity = ExternalIdentity.objects.select_related("user").get(subject="lead")
    assert identity.issuer == provider.issuer
    assert identity.user.email == "lena@example.test"
    assert not identity.user.has_usable_password()
    assert policy.is_lead(identity.user)
    created = AuditEntry.objects.get(object_type="auth.user", action="create")
    assert created.changes["revops_lead"] == [None, True]
    assert oidc.CLIENT_SECRET not in caplog.text
    assert oidc.CLIENT_SECRET not in str(list(AuditEntry.objects.values()))


def test_a_viewer_signs_in_as_a_viewer_and_signs_out_at_the_provider(
        provider, live_server, page, screenshot):
    sign_in_at_provider(page, live_server, "viewer")
    assert "Viewer" in page.locator(".who").inner_text()
    assert not policy.is_lead(User.objects.get(external_identity__subject="viewer"))

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(re.escape(provider.issuer) + "/session/end"))
    page.get_by_role("button", name=re.compile("Yes, sign me out", re.I)).click()
    page.wait_for_url(f"{live_server.url}/accounts/login/")
    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url


def test_a_later_sign_in_keeps_the_user_and_follows_the_groups(
        provider, live_server, page, settings):
    LeadFactory(username="another-lead")  # the last lead would keep the grant
    sign_in_at_provider(page, live_server, "lead")
    user = User.objects.get(external_identity__subject="lead")
    page.context.clear_cookies()
    settings.OIDC_LEADS_GROUP = "some-other-group"  # the provider no longer says "lead"
    sign_in_at_provider(page, live_server, "lead")
    assert "Viewer" in page.locator(".who").inner_text()
    assert User.objects.filter(external_identity__subject="lead").get() == user
    assert not policy.is_lead(User.objects.get(pk=user.pk))


def test_the_login_page_in_both_modes(provider, live_server, page, screenshot, settings):
    page.goto(f"{live_server.url}/accounts/login/")
    assert page.get_by_role("link", name="Sign in with Test IdP").is_visible()
    assert page.get_by_label("Password").is_visible()
    screenshot("sso-login-with-password")

    settings.REVOPS_PASSWORD_LOGIN = False
    page.goto(f"{live_server.url}/accounts/login/")
    assert page.get_by_role("link", name="Sign in with Test IdP").is_visible()
    assert page.get_by_label("Password").count() == 0
    screenshot("sso-login-provider-only")
