"""The callback against a real provider (``tests/oidc.py``), without a browser: what the
provider advertises and how its token endpoint refuses a code."""

from urllib.parse import parse_qs, urlsplit

import pytest

from revops import sso
from tests import oidc

pytestmark = pytest.mark.django_db


@pytest.fixture
def real_provider(settings):
    with oidc.Provider("http://testserver") as op:
        oidc.configure(settings, op.issuer)
        yield op


def _state(client):
    response = client.get("/accounts/sso/start/")
    assert response.status_code == 302
    return parse_qs(urlsplit(response["Location"]).query)["state"][0]


def test_the_provider_promises_iss_so_a_callback_without_it_is_refused(client, real_provider):
    assert sso.discovery()["authorization_response_iss_parameter_supported"] is True
    response = client.get("/accounts/sso/callback/",
                          {"code": "a-code", "state": _state(client)})
    assert response.status_code == 403
    assert "did not say which identity provider" in response.content.decode()


def test_a_wrong_code_is_a_refusal_by_the_provider_not_an_outage(client, real_provider):
    response = client.get("/accounts/sso/callback/", {
        "code": "not-a-code-it-issued", "state": _state(client), "iss": real_provider.issuer})
    assert response.status_code == 403
    assert "Test IdP refused this sign-in (invalid_grant)" in response.content.decode()
    assert "_auth_user_id" not in client.session
