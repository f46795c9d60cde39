"""A token's scope decides its door: a ``scim`` token works on /scim/v2/ only, a read or
write token everywhere but there, and a SCIM token acts for a RevOps lead. Refusals are
SCIM error bodies; only the ServiceProviderConfig is read without a token (RFC 7644 §4)."""

import pytest
from django.core.management import call_command

from revops import services
from revops.models import ApiToken, Door
from tests.factories import UserFactory
from tests.scim.conftest import scim_token

ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"


def _get(client, path, raw=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"} if raw else {}
    return client.get(path, **headers)


def _token(user, scope):
    return services.api_token_create(actor=None, door=Door.CLI, user=user, name="t",
                                     scope=scope)[1]


def _scim_error(response, status):
    assert response.status_code == status
    assert response["Content-Type"] == "application/scim+json"
    body = response.json()
    assert body["schemas"] == [ERROR] and body["status"] == str(status)
    return body["detail"]


def test_a_scim_token_of_a_lead_reads_users(client, okta):
    response = _get(client, "/scim/v2/Users", scim_token(okta))
    assert response.status_code == 200 and response.json()["totalResults"] == 1


def test_no_token_is_a_401_with_the_bearer_challenge(client, okta):
    response = _get(client, "/scim/v2/Users")
    assert "Bearer" in _scim_error(response, 401)
    assert response["WWW-Authenticate"] == 'Bearer realm="SCIM"'


def test_a_revoked_scim_token_is_a_401(client, okta):
    token, raw = services.api_token_create(actor=None, door=Door.CLI, user=okta, name="t",
                                           scope="scim")
    services.api_token_revoke(actor=okta, door=Door.UI, token=token)
    _scim_error(_get(client, "/scim/v2/Users", raw), 401)


@pytest.mark.parametrize("scope", ["read", "write"])
def test_a_read_or_write_token_is_refused_on_scim(client, okta, scope):
    detail = _scim_error(_get(client, "/scim/v2/Users", _token(okta, scope)), 403)
    assert f"scope {scope}" in detail and "scope scim" in detail


@pytest.mark.parametrize("path", ["/api/v1/functions/", "/api/v1/audit/"])
def test_a_scim_token_is_refused_on_the_rest_api(client, okta, path):
    response = _get(client, path, scim_token(okta))
    assert response.status_code == 403 and "/scim/v2/" in response.json()["detail"]


def test_a_scim_token_whose_owner_is_no_lead_is_refused(client, db):
    viewer = UserFactory(username="viewer")
    assert "RevOps lead" in _scim_error(_get(client, "/scim/v2/Users", scim_token(viewer)), 403)


def test_the_service_provider_config_needs_no_token_and_says_what_is_not_supported(client, db):
    config = client.get("/scim/v2/ServiceProviderConfig").json()
    assert config["patch"]["supported"] and config["filter"] == {"supported": True,
                                                                 "maxResults": 200}
    assert not any(config[f]["supported"] for f in ["bulk", "sort", "etag", "changePassword"])
    assert [s["type"] for s in config["authenticationSchemes"]] == ["oauthbearertoken"]


def test_create_api_token_issues_a_scim_token(client, okta, capsys):
    call_command("create_api_token", "okta", "--scope", "scim", "--name", "Okta")
    raw = capsys.readouterr().out.strip().splitlines()[-1]
    assert ApiToken.objects.get(name="Okta").scope == "scim"
    assert _get(client, "/scim/v2/Users", raw).status_code == 200


def test_the_tokens_page_issues_a_scim_token(client, okta):
    client.force_login(okta)
    assert b'value="scim"' in client.get("/accounts/tokens/").content
    client.post("/accounts/tokens/", {"name": "Entra", "scope": "scim"})
    assert ApiToken.objects.get(name="Entra").scope == "scim"
