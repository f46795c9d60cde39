"""A SCIM client as an identity provider runs it: scim2-client's own client, calling the
app's WSGI handler in the test's transaction (the compliance check goes over HTTP to a
live server instead). Its token is of scope ``scim`` and belongs to ``okta``, a RevOps
lead, as docs/scim.md asks of a provider's token."""

import pytest
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from scim2_client.engines.wsgi import WSGISCIMClient

from revops import services
from revops.models import Door
from tests.factories import LeadFactory

BASE_URL = "http://testserver/scim/v2"


def scim_token(user):
    return services.api_token_create(actor=None, door=Door.CLI, user=user, name="okta",
                                     scope="scim")[1]


@pytest.fixture
def okta(db):
    """The lead whose token the identity provider holds."""
    return LeadFactory(username="okta")


@pytest.fixture
def scim(okta):
    """As Django's test client does, the handler keeps the test's database connection
    (it would close it at the end of each request, and with it the test's transaction)."""
    signals = [request_started, request_finished]
    for signal in signals:
        signal.disconnect(close_old_connections)
    client = WSGISCIMClient(get_wsgi_application(), base_url=BASE_URL,
                            headers={"Authorization": f"Bearer {scim_token(okta)}"})
    client.discover()
    yield client
    for signal in signals:
        signal.connect(close_old_connections)
