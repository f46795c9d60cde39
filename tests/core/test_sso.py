"""Single sign-on in-process: claims to a person (pure), and the callback against a
scripted provider — a good ID token signs in, a tampered one, one from another issuer,
for another audience, expired, or a replayed state each get a clear page. The browser
tests in tests/e2e/test_sso.py run the same flow against a real provider."""

import logging
import time
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth.models import User
from django.test import Client

from cadence import services as cadence_services
from revops import invitations, policy, services, sso
from revops.models import AuditEntry, Door, ExternalIdentity, Function
from tests.core.test_config import PRODUCTION, manage
from tests.factories import PASSWORD, LeadFactory, UserFactory
from tests.links import link_in, mails_to

pytestmark = pytest.mark.django_db

ISSUER = "https://idp.example.test"
CLIENT_ID = "revops"
SECRET = "the-client-secret-never-to-be-logged-9876543210"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
METADATA = {
    "issuer": ISSUER,
    "authorization_endpoint": f"{ISSUER}/auth",
    "token_endpoint": f"{ISSUER}/token",
    "userinfo_endpoint": f"{ISSUER}/me",
    "jwks_uri": f"{ISSUER}/jwks",
    "end_session_endpoint": f"{ISSUER}/logout",
}


@pytest.mark.parametrize(("claims", "expected"), [
    ({"sub": "1", "email": "ana@x.test", "given_name": "Ana", "family_name": "Ruiz",
      "preferred_username": "ana", "groups": ["leads"]},
     sso.Profile("1", "ana", "ana@x.test", "Ana", "Ruiz", True)),
    ({"sub": "2", "email": "bo@x.test", "name": "Bo Berg Lund", "groups": ["sales"]},
     sso.Profile("2", "bo", "bo@x.test", "Bo", "Berg Lund", False)),
    ({"sub": "3", "groups": "leads"}, sso.Profile("3", "3", "", "", "", True)),
    ({"sub": "4", "preferred_username": "d é/x"}, sso.Profile("4", "d-é-x", "", "", "", False)),
    ({"sub": 5, "groups": None}, sso.Profile("5", "5", "", "", "", False)),
    ({"sub": "6", "groups": {"not": "a list"}}, sso.Profile("6", "6", "", "", "", False)),
])
def test_claims_map_to_a_profile(claims, expected):
    assert sso.profile_from_claims(claims, leads_group="leads") == expected


def test_without_a_leads_group_the_provider_does_not_decide_who_leads():
    profile = sso.profile_from_claims({"sub": "1", "groups": ["leads"]}, leads_group="")
    assert profile.is_lead is None


def test_a_custom_groups_claim_is_read():
    claims = {"sub": "1", "roles": ["RevOps-Admins"]}
    assert sso.profile_from_claims(claims, groups_claim="roles",
                                   leads_group="RevOps-Admins").is_lead


def test_claims_without_sub_are_refused():
    with pytest.raises(sso.SignInRefused):
        sso.profile_from_claims({"email": "a@x.test"})


# --- The callback against a scripted provider


@pytest.fixture
def provider(settings, monkeypatch):
    """Discovery, keys, token and userinfo endpoints answered in-process. Set
    ``provider.id_token`` (claims, key) and ``provider.userinfo`` before the callback."""
    settings.OIDC_ISSUER = ISSUER
    settings.OIDC_CLIENT_ID = CLIENT_ID
    settings.OIDC_CLIENT_SECRET = SECRET
    settings.OIDC_LEADS_GROUP = "leads"
    settings.OIDC_PROVIDER_NAME = "Example IdP"

    class Scripted:
        claims = {}
        key = KEY
        userinfo = None
        token_requests = []

        def signed(self, nonce):
            now = int(time.time())
            claims = {"iss": ISSUER, "aud": CLIENT_ID, "sub": "person-1", "iat": now,
                      "exp": now + 300, "nonce": nonce, **self.claims}
            return jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": "k1"})

    scripted = Scripted()
    monkeypatch.setattr(sso, "discovery", lambda: METADATA)
    monkeypatch.setattr(sso.OIDCBackend, "retrieve_matching_jwk",
                        lambda self, token: KEY.public_key())

    def get_token(self, payload):
        scripted.token_requests.append(payload)
        return {"id_token": scripted.signed(scripted.nonce), "access_token": "access"}

    monkeypatch.setattr(sso.OIDCBackend, "get_token", get_token)
    monkeypatch.setattr(
        sso.OIDCBackend, "get_userinfo",
        lambda self, access_token, id_token, payload: scripted.userinfo or {
            "sub": payload["sub"], "email": "pat@example.test", "given_name": "Pat",
            "family_name": "Lee", "preferred_username": "pat", "groups": ["leads"]})
    return scripted


def start(client, provider, next_path="/runbook/"):
    response = client.get(f"/accounts/sso/start/?next={next_path}")
    assert response.status_code == 302
    query = parse_qs(urlsplit(response["Location"]).query)
    provider.nonce = query["nonce"][0]
    return query


def callback(client, query, **extra):
    return client.get("/accounts/sso/callback/",
                      {"code": "the-code", "state": query["state"][0], **extra})


def test_a_good_sign_in_uses_pkce_and_lands_where_it_was_going(client, provider, caplog):
    caplog.set_level(logging.DEBUG)
    query = start(client, provider)
    assert query["code_challenge_method"] == ["S256"]
    assert query["scope"] == ["openid email profile"]
    response = callback(client, query)
    assert response.status_code == 302 and response["Location"] == "/runbook/"
    assert provider.token_requests[-1]["code_verifier"]
    user = User.objects.get(external_identity__subject="person-1")
    assert (user.username, user.email, user.get_full_name()) == ("pat", "pat@example.test",
                                                                  "Pat Lee")
    assert policy.is_lead(user)
    assert int(client.session["_auth_user_id"]) == user.pk
    assert SECRET not in caplog.text
    assert SECRET not in str(list(AuditEntry.objects.values()))


def test_a_later_sign_in_refreshes_the_person_and_their_lead_membership(client, provider):
    LeadFactory(username="another-lead")
    callback(client, start(client, provider))
    user = User.objects.get(external_identity__subject="person-1")
    provider.userinfo = {"sub": "person-1", "email": "pat.lee@example.test",
                         "name": "Patricia Lee", "groups": ["sales"]}
    client.logout()
    callback(client, start(client, provider))
    user.refresh_from_db()
    assert (user.email, user.first_name, user.last_name) == ("pat.lee@example.test",
                                                             "Patricia", "Lee")
    assert not policy.is_lead(User.objects.get(pk=user.pk))
    assert ExternalIdentity.objects.count() == 1
    update = AuditEntry.objects.filter(object_type="auth.user", action="update").get()
    assert update.changes["revops_lead"] == [True, False]
    assert update.actor is None and update.door == Door.UI


def test_the_providers_groups_cannot_take_lead_rights_from_the_last_lead(client, provider):
    callback(client, start(client, provider))
    user = User.objects.get(external_identity__subject="person-1")
    assert policy.is_lead(user)
    provider.userinfo = {"sub": "person-1", "email": "pat@example.test", "name": "Pat Lee",
                         "groups": ["sales"]}
    client.logout()
    callback(client, start(client, provider))
    assert policy.is_lead(User.objects.get(pk=user.pk)), "nobody else could run the install"


def test_an_existing_local_account_with_the_same_name_is_never_taken_over(client, provider):
    local = UserFactory(username="pat", email="pat@example.test")
    callback(client, start(client, provider))
    sso_user = User.objects.get(external_identity__subject="person-1")
    assert sso_user != local and sso_user.username.startswith("pat-")
    assert not hasattr(User.objects.get(pk=local.pk), "external_identity")


@pytest.mark.parametrize(("change", "message"), [
    ({"iss": "https://evil.example.test"}, "another identity provider"),
    ({"aud": "another-app"}, "another application"),
    ({"exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200}, "expired"),
    ("tampered", "signature does not verify"),
    ("other key", "signature does not verify"),
])
def test_a_bad_id_token_gets_a_clear_page_and_no_session(client, provider, change, message):
    if change == "tampered":
        original = provider.signed

        def tampered(nonce):
            header, payload, signature = original(nonce).split(".")
            forged = jwt.utils.base64url_encode(
                jwt.utils.base64url_decode(payload).replace(b"person-1", b"person-2"))
            return f"{header}.{forged.decode()}.{signature}"

        provider.signed = tampered
    elif change == "other key":
        provider.key = OTHER_KEY
    else:
        provider.claims = change
    response = callback(client, start(client, provider))
    assert response.status_code == 403
    assert message in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(external_identity__isnull=False).exists()


def test_a_replayed_state_is_refused(client, provider):
    query = start(client, provider)
    assert callback(client, query).status_code == 302
    client.logout()
    response = callback(client, query)
    assert response.status_code == 403
    assert "already used" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_answer_naming_another_issuer_is_refused(client, provider):
    response = callback(client, start(client, provider), iss="https://evil.example.test")
    assert response.status_code == 403 and "another identity provider" in response.content.decode()


def test_userinfo_about_someone_else_is_refused(client, provider):
    provider.userinfo = {"sub": "somebody-else", "email": "x@example.test"}
    response = callback(client, start(client, provider))
    assert response.status_code == 403 and "someone else" in response.content.decode()


def test_an_error_from_the_provider_gets_a_clear_page(client, provider):
    query = start(client, provider)
    response = client.get("/accounts/sso/callback/",
                          {"error": "access_denied", "state": query["state"][0]})
    assert response.status_code == 403 and "access_denied" in response.content.decode()


def test_a_deactivated_user_cannot_sign_in_again(client, provider):
    callback(client, start(client, provider))
    User.objects.filter(external_identity__subject="person-1").update(is_active=False)
    client.logout()
    response = callback(client, start(client, provider))
    assert response.status_code == 403 and "deactivated" in response.content.decode()


def test_an_unreachable_provider_gets_a_clear_page(client, settings):
    settings.OIDC_ISSUER = "http://127.0.0.1:9"  # the discard port: nothing listens
    settings.OIDC_TIMEOUT = 2
    response = client.get("/accounts/sso/start/")
    assert response.status_code == 503
    assert "the identity provider, cannot be reached" in response.content.decode()


@pytest.mark.parametrize(("iss", "advertised", "refused"), [
    (None, True, "did not say which identity provider"),
    (None, False, None),
    (None, None, None),
    (ISSUER, True, None),
    (ISSUER, None, None),
    ("https://evil.example.test", True, "another identity provider"),
    ("https://evil.example.test", None, "another identity provider"),
])
def test_the_response_issuer_is_required_when_the_provider_promises_it(iss, advertised,
                                                                       refused):
    metadata = dict(METADATA)
    if advertised is not None:
        metadata["authorization_response_iss_parameter_supported"] = advertised
    if refused is None:
        sso.check_response_issuer(iss, metadata)
    else:
        with pytest.raises(sso.SignInRefused, match=refused):
            sso.check_response_issuer(iss, metadata)


def test_a_callback_without_iss_is_refused_when_the_provider_sends_it(client, provider,
                                                                      monkeypatch):
    monkeypatch.setattr(sso, "discovery", lambda: {
        **METADATA, "authorization_response_iss_parameter_supported": True})
    response = callback(client, start(client, provider))
    assert response.status_code == 403
    assert "did not say which identity provider" in response.content.decode()
    assert provider.token_requests == [] and "_auth_user_id" not in client.session
    assert callback(client, start(client, provider), iss=ISSUER).status_code == 302


class Answer:
    def __init__(self, status, body):
        self.status_code, self.body, self.url, self.text = status, body, "", ""

    def json(self):
        if self.body is None:
            raise ValueError("not JSON")
        return self.body

    def raise_for_status(self):
        if self.status_code >= 400:
            raise sso.requests.HTTPError(response=self)


@pytest.mark.parametrize(("status", "body", "raised"), [
    (400, {"error": "invalid_grant"}, sso.SignInRefused),
    (401, {"error": "invalid_client"}, sso.SignInRefused),
    (400, None, sso.requests.HTTPError),
    (500, {"error": "server_error"}, sso.requests.HTTPError),
])
def test_a_token_endpoint_refusal_is_a_refusal_not_an_outage(settings, status, body, raised):
    settings.OIDC_PROVIDER_NAME = "Example IdP"
    with pytest.raises(raised) as caught:
        sso.OIDCBackend().raise_token_response_error(Answer(status, body))
    if raised is sso.SignInRefused:
        assert str(caught.value).startswith(f"Example IdP refused this sign-in ({body['error']})")


@pytest.fixture
def discovery_served(settings, monkeypatch):
    """The real ``discovery`` against a scripted ``requests.get``: ``served.up`` says
    whether the provider answers; ``served.calls`` counts the requests."""
    settings.OIDC_ISSUER = ISSUER
    settings.OIDC_CLIENT_ID = CLIENT_ID
    settings.OIDC_CLIENT_SECRET = SECRET
    settings.OIDC_PROVIDER_NAME = "Example IdP"

    class Served:
        up = True
        calls = 0

    def get(url, timeout):
        Served.calls += 1
        if not Served.up:
            raise sso.requests.ConnectionError("refused")
        return Answer(200, METADATA)

    monkeypatch.setattr(sso.requests, "get", get)
    return Served


def test_a_provider_gone_down_is_noticed_within_minutes(client, discovery_served,
                                                       time_machine):
    time_machine.move_to("2026-03-02 09:00Z", tick=False)
    assert client.get("/accounts/sso/start/").status_code == 302
    discovery_served.up = False
    time_machine.shift(6 * 60)
    response = client.get("/accounts/sso/start/")
    assert response.status_code == 503
    assert "the identity provider, cannot be reached" in response.content.decode()


def test_a_cache_that_is_down_does_not_stop_sign_in(client, discovery_served, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("the cache is down")

    monkeypatch.setattr(sso.cache, "get", down)
    monkeypatch.setattr(sso.cache, "set", down)
    assert client.get("/accounts/sso/start/").status_code == 302
    assert client.get("/accounts/sso/start/").status_code == 302
    assert discovery_served.calls == 2


@pytest.mark.parametrize(("verified", "provider_verifies", "kept"), [
    (True, True, True), ("true", True, True), (True, False, True),
    (False, True, False), (False, False, False), ("false", False, False),
    (None, True, False), (None, False, True),
])
def test_only_a_verified_email_is_the_accounts_address(verified, provider_verifies, kept):
    claims = {"sub": "1", "email": "pat@example.test"}
    if verified is not None:
        claims["email_verified"] = verified
    profile = sso.profile_from_claims(claims, provider_verifies_email=provider_verifies)
    assert profile.email == ("pat@example.test" if kept else None)


def test_an_unverified_email_never_replaces_the_accounts_address(client, provider,
                                                                 monkeypatch):
    monkeypatch.setattr(sso, "discovery", lambda: {
        **METADATA, "claims_supported": ["sub", "email", "email_verified"]})
    provider.userinfo = {"sub": "person-1", "email": "pat@example.test",
                         "email_verified": True}
    callback(client, start(client, provider))
    client.logout()
    provider.userinfo = {"sub": "person-1", "email": "ceo@victim.test",
                         "email_verified": False}
    assert callback(client, start(client, provider)).status_code == 302
    assert User.objects.get(external_identity__subject="person-1").email == "pat@example.test"
    client.logout()
    provider.claims = {"sub": "person-2"}
    provider.userinfo = {"sub": "person-2", "email": "ceo@victim.test"}
    assert callback(client, start(client, provider)).status_code == 302
    assert User.objects.get(external_identity__subject="person-2").email == ""


def test_sign_out_ends_the_session_and_goes_to_the_providers_end_session(client, provider):
    callback(client, start(client, provider))
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{ISSUER}/logout"
    query = parse_qs(location.query)
    assert query["client_id"] == [CLIENT_ID] and query["id_token_hint"]
    assert query["post_logout_redirect_uri"] == ["http://testserver/accounts/login/"]
    assert "_auth_user_id" not in client.session


def test_a_password_user_signs_out_locally_as_before(client, provider, viewer):
    client.force_login(viewer)
    assert client.post("/accounts/logout/")["Location"] == "/accounts/login/"


# --- Sessions, deactivation, tokens


def test_a_session_ends_when_the_user_is_deactivated_in_the_app(client, provider):
    callback(client, start(client, provider))
    assert client.get("/").status_code == 200
    User.objects.filter(external_identity__subject="person-1").update(is_active=False)
    assert client.get("/")["Location"].startswith("/accounts/login/")


def test_a_deactivated_user_loses_api_tokens_and_feed_tokens_at_once(client, lead, viewer):
    _, api_raw = services.api_token_create(actor=viewer, door=Door.UI, user=viewer,
                                           name="laptop", scope="read")
    _, feed_raw = cadence_services.feed_token_create(user=viewer, actor=viewer, door=Door.UI)
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {api_raw}"}
    assert client.get("/api/v1/functions/", **bearer).status_code == 200
    assert client.get(f"/cadence/feed/{feed_raw}.ics").status_code == 200
    User.objects.filter(pk=viewer.pk).update(is_active=False)
    assert client.get("/api/v1/functions/", **bearer).status_code == 401
    assert client.get(f"/cadence/feed/{feed_raw}.ics").status_code == 404


def test_sessions_last_twelve_hours_by_default():
    from django.conf import settings

    assert settings.SESSION_COOKIE_AGE == 12 * 3600


# --- Doors when single sign-on is off, or password sign-in is


def test_without_an_issuer_the_login_page_is_as_before_and_sso_urls_are_404(client, settings):
    settings.OIDC_ISSUER = ""
    page = client.get("/accounts/login/").content.decode()
    assert "Sign in with" not in page and 'name="password"' in page
    assert client.get("/accounts/sso/start/").status_code == 404
    assert client.get("/accounts/sso/callback/?code=x&state=y").status_code == 404


def test_a_password_login_with_a_code_in_the_query_never_reaches_the_provider(
        client, provider, viewer):
    response = client.post("/accounts/login/?code=x&state=y",
                           {"username": viewer.username, "password": "wrong"})
    assert response.status_code == 200 and provider.token_requests == []


@pytest.fixture
def password_login_off(settings, provider):
    settings.REVOPS_PASSWORD_LOGIN = False
    settings.AUTHENTICATION_BACKENDS = [
        "axes.backends.AxesStandaloneBackend", "revops.sso.BreakGlassBackend",
        "revops.sso.OIDCBackend"]


def test_with_password_login_off_the_form_is_hidden_and_refuses_people(
        client, password_login_off, viewer):
    page = client.get("/accounts/login/").content.decode()
    assert "Sign in with Example IdP" in page and 'name="password"' not in page
    response = client.post("/accounts/login/", {"username": viewer.username,
                                                "password": PASSWORD})
    assert "_auth_user_id" not in client.session and response.status_code == 200


def test_with_password_login_off_the_break_glass_superuser_still_signs_in(
        client, password_login_off):
    User.objects.create_superuser("break-glass", "ops@example.test", PASSWORD)
    assert 'name="password"' in client.get("/accounts/login/?local=1").content.decode()
    response = client.post("/accounts/login/?local=1", {"username": "break-glass",
                                                        "password": PASSWORD})
    assert response.status_code == 302 and "_auth_user_id" in client.session


# --- Configuration at start-up


def test_an_issuer_without_client_credentials_fails_in_one_line():
    result = manage("check", OIDC_ISSUER="https://idp.example.test", OIDC_CLIENT_ID="x")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "Configuration error: OIDC_ISSUER is set: OIDC_CLIENT_ID and OIDC_CLIENT_SECRET "
        "are required"]


def test_a_malformed_issuer_fails_in_one_line():
    result = manage("check", OIDC_ISSUER="idp.example.test")
    assert result.returncode == 1 and "OIDC_ISSUER='idp.example.test' is invalid" in result.stderr


def test_password_login_off_without_an_issuer_fails_in_one_line():
    result = manage("check", REVOPS_PASSWORD_LOGIN="0")
    assert result.returncode == 1 and "REVOPS_PASSWORD_LOGIN=0 needs OIDC_ISSUER" in result.stderr


def test_deploy_check_is_clean_with_single_sign_on_configured():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION,
                    OIDC_ISSUER="https://login.example.com/realms/acme",
                    OIDC_CLIENT_ID="revops", OIDC_CLIENT_SECRET=SECRET,
                    REVOPS_PASSWORD_LOGIN="0")
    assert result.returncode == 0, result.stdout + result.stderr
    assert SECRET not in result.stdout + result.stderr


# --- Invitations: an invited head's first sign-in joins the account they were invited to

SITE = "https://revops.example.com"


def invited_head(settings):
    """Pat, named head of Sales with no way in yet, and the path of their invitation's
    link (sent while single sign-on is configured)."""
    settings.REVOPS_SITE_URL = SITE
    pat = UserFactory(username="pat", email="pat@example.test")
    pat.set_unusable_password()
    pat.save()
    sales = Function.objects.get(slug="sales")
    services.function_update(actor=None, door=Door.CLI, function=sales, head=pat)
    invitations.invitation_send(user=pat, functions=[sales], actor=None, door=Door.CLI)
    link = link_in(mails_to("pat@example.test")[0])
    assert link.startswith(f"{SITE}/accounts/sso/invitation/")
    return pat, link.removeprefix(SITE)


def test_signing_in_through_the_invitation_joins_the_invited_account(client, provider,
                                                                     settings):
    pat, path = invited_head(settings)
    opened = client.get(path)
    assert opened.status_code == 302 and opened["Location"] == "/accounts/sso/start/"
    assert callback(client, start(client, provider)).status_code == 302
    assert int(client.session["_auth_user_id"]) == pat.pk
    assert User.objects.get(external_identity__subject="person-1") == pat
    assert User.objects.get(pk=pat.pk).username == "pat"
    assert Function.objects.get(slug="sales").head == pat
    joined = AuditEntry.objects.get(object_type="auth.user", action="update")
    assert joined.changes["single_sign_on"] == [None, ISSUER] and joined.actor is None

    again = Client().get(path)
    assert again.status_code == 403
    assert "already used or has expired" in again.content.decode()


def test_without_the_invitation_link_a_first_sign_in_makes_a_separate_account(
        client, provider, settings):
    pat, _ = invited_head(settings)
    callback(client, start(client, provider))
    assert User.objects.get(external_identity__subject="person-1") != pat
    assert not ExternalIdentity.objects.filter(user=pat).exists()


def test_an_expired_invitation_link_is_refused(client, provider, settings, time_machine):
    time_machine.move_to("2026-03-02 09:00Z", tick=False)
    _, path = invited_head(settings)
    time_machine.shift(settings.PASSWORD_RESET_TIMEOUT + 1)
    refused = client.get(path)
    assert refused.status_code == 403 and sso.INVITATION_KEY not in client.session


def test_a_link_spent_before_the_callback_joins_nothing(client, provider, settings):
    pat, path = invited_head(settings)
    client.get(path)
    query = start(client, provider)
    pat.set_password(PASSWORD)  # meanwhile they chose a password: the token is spent
    pat.save()
    callback(client, query)
    assert User.objects.get(external_identity__subject="person-1") != pat


def test_invitation_links_are_404_without_single_sign_on(client, settings):
    settings.OIDC_ISSUER = ""
    assert client.get("/accounts/sso/invitation/MQ/a-token/").status_code == 404
