import os

import pytest
from django.conf import settings
from django.test import Client

from tests.factories import PASSWORD

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def session_cookie(user, url):
    """A browser cookie for a new session signed in as ``user`` on the server at ``url``."""
    client = Client()
    client.force_login(user)
    return {"name": settings.SESSION_COOKIE_NAME,
            "value": client.cookies[settings.SESSION_COOKIE_NAME].value, "url": url}


@pytest.fixture
def sign_in_through_the_form(page, live_server):
    """Sign in through the real login form, as a person would."""

    def go(user, next_path="/"):
        page.goto(f"{live_server.url}/accounts/login/?next={next_path}")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(PASSWORD)
        with page.expect_navigation():
            page.get_by_role("button", name="Sign in").click()
        return page

    return go


@pytest.fixture
def sign_in(page, live_server):
    """Open ``next_path`` signed in as ``user``: the browser is given a session cookie
    (the form itself is tested with ``sign_in_through_the_form``)."""

    def go(user, next_path="/"):
        page.context.add_cookies([session_cookie(user, live_server.url)])
        page.goto(f"{live_server.url}{next_path}")  # waits for the page's load event
        return page

    return go
