"""Invited heads can get in: bootstrapping with heads to invite queues one invitation per
person, naming who invited them and what they head, with a one-time, expiring link to
choose a password (or, with single sign-on, telling them to use it)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.test import Client

from overview import bootstrap
from revops import invitations, outbox
from revops.errors import Refused
from revops.models import AuditEntry, Door, Function, Mail
from tests.links import choose_password, link_in, mails_to, signs_in

pytestmark = pytest.mark.django_db

SITE = "https://revops.example.com"
CHOSEN = "dana-chose-This-2026"


@pytest.fixture
def robin(lead, settings):
    settings.REVOPS_SITE_URL = SITE
    lead.first_name, lead.last_name = "Robin", "Vale"
    lead.save()
    return lead


def invite(actor, door=Door.UI, **invite):
    return bootstrap.bootstrap(motion="sales-led", actor=actor, door=door, invite=invite)


def path_of(link):
    return link.removeprefix(SITE)


def test_the_invitation_is_queued_with_who_invited_them_what_they_head_and_a_link(robin):
    outcome = invite(robin, sales="dana@example.com")
    assert mail.outbox == []  # in the outbox, sent after the request
    [invitation] = mails_to("dana@example.com")
    assert invitation.subject == "You are the head of Sales in the RevOps operating model"
    assert "Robin Vale named you head of Sales" in invitation.body
    assert "Robin Vale named you head of Sales" in invitation.html
    assert link_in(invitation).startswith(f"{SITE}/accounts/reset/")
    assert "works once, for 72 hours" in invitation.body
    assert outcome.invited[0]["invitation"] == "set_password"
    entry = AuditEntry.objects.get(action="invite")
    assert (entry.actor, entry.door, entry.object_type) == (robin, Door.UI, "auth.user")
    assert entry.changes["functions"] == [None, ["Sales"]]
    assert outbox.drain()["mails"] == 1 and mail.outbox[0].to == ["dana@example.com"]


def test_following_the_link_lets_the_invited_head_choose_a_password_and_sign_in(robin):
    outcome = invite(robin, sales="dana@example.com")
    username = outcome.invited[0]["username"]
    assert not signs_in(Client(), username, CHOSEN)
    chosen = choose_password(Client(), link_in(mails_to("dana@example.com")[0]), CHOSEN)
    assert chosen.status_code == 302 and chosen["Location"] == "/accounts/reset/done/"
    client = Client()
    assert signs_in(client, username, CHOSEN)
    assert client.get("/start/").status_code == 200
    assert Function.objects.get(slug="sales").head.get_username() == username


def test_the_link_works_once(robin):
    invite(robin, sales="dana@example.com")
    link = link_in(mails_to("dana@example.com")[0])
    assert choose_password(Client(), link, CHOSEN).status_code == 302
    second = Client().get(path_of(link))
    assert second.status_code == 200 and "This link no longer works" in second.content.decode()
    Client().post(path_of(link), {"new_password1": "x-Other-pass-99",
                                  "new_password2": "x-Other-pass-99"})
    assert signs_in(Client(), "dana", CHOSEN)


def test_the_link_expires(robin, settings, time_machine):
    time_machine.move_to("2026-03-02 09:00Z", tick=False)
    outcome = invite(robin, sales="dana@example.com")
    assert outcome.invited[0]["link_expires_at"] == datetime(2026, 3, 5, 9, tzinfo=UTC)
    link = link_in(mails_to("dana@example.com")[0])
    time_machine.shift(timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 1))
    expired = Client().get(path_of(link))
    assert "This link no longer works" in expired.content.decode()
    assert 'href="/accounts/password_reset/"' in expired.content.decode()


def test_a_person_heading_two_functions_gets_one_invitation_naming_both(robin):
    outcome = invite(robin, sales="dana@example.com", cro="Dana@Example.com")
    assert [i["function"] for i in outcome.invited] == ["sales", "cro"]
    [invitation] = mails_to("dana@example.com")
    assert "named you head of Sales and CRO" in invitation.body


def test_someone_who_can_already_sign_in_is_told_to_and_gets_no_link(robin, viewer):
    outcome = invite(robin, sales=viewer.email)
    [invitation] = mails_to(viewer.email)
    assert "/accounts/reset/" not in invitation.body + invitation.html
    assert f"Sign in as {viewer.username}" in invitation.body
    assert f"{SITE}/accounts/login/" in invitation.body
    assert outcome.invited[0]["invitation"] == "sign_in"
    assert outcome.invited[0]["link_expires_at"] is None


def test_with_single_sign_on_the_invitation_says_to_sign_in_with_it(robin, settings):
    settings.OIDC_ISSUER = "https://idp.example.test"
    settings.OIDC_PROVIDER_NAME = "Okta"
    outcome = invite(robin, sales="dana@example.com")
    [invitation] = mails_to("dana@example.com")
    assert "Sign in with Okta (single sign-on)" in invitation.body
    assert "Sign in with Okta</a> (single sign-on)" in invitation.html
    assert link_in(invitation).startswith(f"{SITE}/accounts/sso/invitation/")
    assert "/accounts/reset/" not in invitation.body + invitation.html
    assert "choose a password" not in invitation.body
    assert outcome.invited[0]["invitation"] == "single_sign_on"


def test_the_setup_page_says_the_invitations_were_sent(robin, client):
    client.force_login(robin)
    done = client.post("/setup/", {"motion": "sales-led", "fiscal_year_start_month": "1",
                                   "invite_sales": "dana@example.com"})
    page = done.content.decode()
    assert done.status_code == 201 and "Invitations sent" in page
    assert "dana@example.com, head of Sales: a one-time link to choose a password, until" in page
    assert len(mails_to("dana@example.com")) == 1


def test_the_api_says_how_each_invited_head_gets_in(robin, api):
    made = api.as_user(robin).post("/api/v1/bootstrap/", {
        "motion": "sales-led", "invite": {"sales": "dana@example.com"}}, format="json")
    assert made.status_code == 201, made.content
    [invited] = made.json()["invited"]
    assert invited["invitation"] == "set_password" and invited["link_expires_at"]
    assert AuditEntry.objects.get(action="invite").door == Door.API


def test_only_a_lead_sends_an_invitation(viewer, sales_head):
    with pytest.raises(Refused):
        invitations.invitation_send(user=viewer, functions=[Function.objects.get(slug="sales")],
                                    actor=sales_head, door=Door.API)
    assert not Mail.objects.exists() and not AuditEntry.objects.filter(action="invite").exists()
