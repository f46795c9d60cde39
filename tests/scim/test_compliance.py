"""scim2-tester, the RFC 7643/7644 checker of the python-scim tools, against a live server
over HTTP, as an identity provider reaches it: a scim2-client ``SyncSCIMClient`` with a
``scim`` token of a lead. Every check it runs must pass.

What runs (``EXPECTED``): the discovery checks (ServiceProviderConfig, ResourceTypes and
Schemas, each read and each refusing POST/PUT/PATCH/DELETE; unknown ids and URLs 404 with
a SCIM error), then for Users the whole cycle: create, read by id and in the list,
``attributes``/``excludedAttributes`` on a read, a list and a ``/.search``, PUT, DELETE
(404 after), and PATCH add, remove and replace of every writable attribute.

What is left out, and why:
- the resource checks of Groups (``resource_types=["User"]``): each starts by creating a
  group, and RevOps has one fixed group, "RevOps leads" (creating one is a 501). Reading,
  searching and PATCHing its members are tested in ``test_groups.py``.
- bulk, sorting, ETags and password change: not supported, and ServiceProviderConfig says
  so, so the checker asks nothing of them (none shows up as skipped).
"""

from httpx2 import Client
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_tester import Status, check_server

from tests.factories import LeadFactory
from tests.scim.conftest import scim_token

DISCOVERY = {
    "service_provider_config_endpoint", "service_provider_config_endpoint_methods",
    "query_all_resource_types", "query_resource_type_by_id",
    "resource_types_schema_validation", "access_invalid_resource_type",
    "resource_types_endpoint_methods", "query_all_schemas", "access_schema_by_id",
    "access_invalid_schema", "schemas_endpoint_methods", "random_url",
}
USERS = {
    "object_creation", "object_query", "object_query_without_id",
    "object_query_with_attributes", "object_list_with_attributes", "search_with_attributes",
    "object_replacement", "object_deletion", "check_add_attribute",
    "check_remove_attribute", "check_replace_attribute",
}
EXPECTED = {(None, title) for title in DISCOVERY} | {("User", title) for title in USERS}


def test_the_rfc_checker_passes_every_check_it_runs(live_server):
    raw = scim_token(LeadFactory(username="okta"))
    with Client(base_url=f"{live_server.url}/scim/v2",
                headers={"Authorization": f"Bearer {raw}"}) as http:
        results = check_server(SyncSCIMClient(http), resource_types=["User"])
    failed = [f"{r.resource_type} {r.title}: {r.reason}" for r in results
              if r.status is not Status.SUCCESS]
    assert not failed, "\n".join(failed)
    assert {(r.resource_type, r.title) for r in results} == EXPECTED
