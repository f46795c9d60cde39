"""SCIM 2.0 provisioning (RFC 7643, RFC 7644) at ``/scim/v2/``: how an identity provider
(Okta, Entra ID…) adds people, changes them, tells us they left, and grants lead rights.

Built on scim2-server and scim2-models rather than django-scim2. scim2-server does the
whole protocol without a web framework or a database (request validation, PATCH applied
to the resource, filters parsed against the schema, ``attributes``, discovery endpoints,
error bodies), and asks us only for a storage: ``storage.RevOpsStorage`` reads people and
writes through our services, and ``views`` is one Django view in front of it. Its
``ScimPolicy`` already knows the habits of Entra and Okta. django-scim2 maps SCIM onto
models through adapters whose PATCH handlers, ``attributes`` support and discovery answers
we would have had to write ourselves (its 404s carry no SCIM error body, and it publishes
the whole RFC User schema, which we do not keep), so it needed more glue to pass the RFC
checker (scim2-tester, by the same authors as scim2-server).

Layers: this app sits on top: a deactivation is ``overview.departures.person_leaves``.
"""
