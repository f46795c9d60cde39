"""A forgotten password is reset by e-mail: a one-time, expiring link queued in the outbox,
built on the site's URL; an unknown address gets the same answer as a known one."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from revops import outbox
from revops.models import ExternalIdentity, Mail
from tests.factories import PASSWORD, UserFactory
from tests.links import choose_password, link_in, mails_to, signs_in

pytestmark = pytest.mark.django_db

NEW = "a-new-Pass-phrase-2026"
SITE = "https://revops.example.com"


@pytest.fixture
def pat(settings):
    settings.REVOPS_SITE_URL = SITE + "/"
    return UserFactory(username="pat", email="pat@example.com")


def ask(address, **extra):
    return Client().post("/accounts/password_reset/", {"email": address}, **extra)


def test_the_sign_in_page_offers_a_way_back_in():
    page = Client().get("/accounts/login/").content.decode()
    assert 'href="/accounts/password_reset/"' in page and "Forgot your password?" in page


def test_a_forgotten_password_is_reset_by_email_end_to_end(pat):
    answer = ask("pat@example.com")
    assert answer.status_code == 302 and answer["Location"] == "/accounts/password_reset/done/"
    assert mail.outbox == []  # queued, not sent inside the request
    [queued] = mails_to("pat@example.com")
    link = link_in(queued)
    assert link.startswith(f"{SITE}/accounts/reset/")
    assert "72 hours" in queued.body and "pat" in queued.body

    assert outbox.drain()["mails"] == 1
    assert mail.outbox[0].to == ["pat@example.com"] and link in mail.outbox[0].body

    client = Client()
    chosen = choose_password(client, link, NEW)
    assert chosen.status_code == 302 and chosen["Location"] == "/accounts/reset/done/"
    assert "Password saved" in client.get(chosen["Location"]).content.decode()
    assert "_auth_user_id" not in client.session  # they sign in through the sign-in page
    assert signs_in(Client(), "pat", NEW)
    assert not signs_in(Client(), "pat", PASSWORD)


def test_the_link_works_once(pat):
    ask("pat@example.com")
    link = link_in(mails_to("pat@example.com")[0])
    assert choose_password(Client(), link, NEW).status_code == 302
    again = Client().get(link.removeprefix(SITE))
    assert again.status_code == 200
    assert "This link no longer works" in again.content.decode()
    assert 'name="new_password1"' not in again.content.decode()


def test_the_link_expires(pat, settings, time_machine):
    time_machine.move_to("2026-03-02 09:00Z", tick=False)
    ask("pat@example.com")
    path = link_in(mails_to("pat@example.com")[0]).removeprefix(SITE)
    time_machine.shift(timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT - 60))
    assert Client().get(path).status_code == 302  # a minute before, it still opens the form
    time_machine.shift(timedelta(seconds=61))
    expired = Client().get(path)
    assert expired.status_code == 200 and "This link no longer works" in expired.content.decode()
    Client().post(path, {"new_password1": NEW, "new_password2": NEW})
    assert get_user_model().objects.get(username="pat").check_password(PASSWORD)


def test_an_unknown_address_gets_the_same_answer(pat):
    known, unknown = ask("pat@example.com"), ask("nobody@example.com")
    assert (unknown.status_code, unknown["Location"]) == (known.status_code, known["Location"])
    done = Client().get(unknown["Location"]).content.decode()
    assert "If an account has that address" in done
    assert Mail.objects.count() == 1


@pytest.mark.parametrize("who", ["inactive", "single sign-on", "look-alike"])
def test_no_link_goes_to_an_account_that_must_not_get_one(pat, who):
    if who == "inactive":
        UserFactory(username="gone", email="gone@example.com", is_active=False)
        address = "gone@example.com"
    elif who == "single sign-on":
        user = UserFactory(username="sam", email="sam@example.com")
        user.set_unusable_password()
        user.save()
        ExternalIdentity.objects.create(user=user, issuer="https://idp.example", subject="s")
        address = "sam@example.com"
    else:
        UserFactory(username="mike", email="mike@example.com")
        address = "m\u0131ke@example.com"  # "mıke": PostgreSQL's UPPER() matches it to mike
    assert ask(address).status_code == 302
    assert not Mail.objects.exists()


def test_the_link_is_built_on_the_site_url_not_the_requests_host(pat, settings):
    settings.ALLOWED_HOSTS = ["internal.example"]
    ask("pat@example.com", HTTP_HOST="internal.example")
    assert link_in(mails_to("pat@example.com")[0]).startswith(f"{SITE}/")


def test_the_pages_carry_no_inline_script_or_style(pat):
    client = Client()
    paths = ["/accounts/login/", "/accounts/password_reset/", "/accounts/password_reset/done/",
             "/accounts/reset/done/", "/accounts/reset/MQ/not-a-token/"]
    for path in paths:
        page = client.get(path)
        body = page.content.decode()
        assert page.status_code == 200, path
        assert "script-src 'self'" in page["Content-Security-Policy"]
        assert " style=" not in body and "<script>" not in body, path


def test_with_password_login_off_there_is_no_password_to_reset(settings, pat):
    settings.OIDC_ISSUER = "https://idp.example.test"
    settings.REVOPS_PASSWORD_LOGIN = False
    assert "Forgot your password?" not in Client().get("/accounts/login/?local=1").content.decode()
    assert ask("pat@example.com").status_code == 404
    assert Client().get("/accounts/reset/done/").status_code == 404
    assert not Mail.objects.exists()


def test_someone_invited_who_never_chose_a_password_can_ask_for_a_link(pat):
    invited = UserFactory(username="dana", email="dana@example.com")
    invited.set_unusable_password()
    invited.save()
    ask("dana@example.com")
    assert choose_password(Client(), link_in(mails_to("dana@example.com")[0]), NEW
                           ).status_code == 302
    assert signs_in(Client(), "dana", NEW)
