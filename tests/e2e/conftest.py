import os

import pytest

from tests.factories import PASSWORD

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def sign_in(page, live_server):
    """Sign in through the real login form, as a person would."""

    def go(user, next_path="/"):
        page.goto(f"{live_server.url}/accounts/login/?next={next_path}")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state("networkidle")
        return page

    return go
