"""The one Django view in front of scim2-server: every path under ``/scim/v2/``.

It turns the Django request into scim2-server's ``ScimRequest``, authenticates it (a
bearer API token of scope ``scim`` whose owner is a RevOps lead: the owner is the actor
of every change), lets scim2-server's handler serve it over ``RevOpsStorage``, and sends
back its ``ScimResponse``. Errors are SCIM error bodies (RFC 7644 §3.12), never a page.
"""

import json

from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from scim2_models import ForbiddenException, UnauthorizedException
from scim2_server.applications.base import BaseApplication
from scim2_server.handler import ScimHandler
from scim2_server.requests import ScimRequest

from revops import policy
from revops.models import ApiToken
from scim.resources import PROVIDER
from scim.storage import RevOpsStorage


class Provisioning(BaseApplication):
    """scim2-server's application, with our tokens and our storage."""

    def check_auth(self, request):
        keyword, _, raw = (request.header("Authorization") or "").partition(" ")
        if keyword.lower() != "bearer" or not raw.strip():
            raise UnauthorizedException(
                detail="Send 'Authorization: Bearer <token>' with an API token of scope scim.")
        token = ApiToken.authenticate(raw.strip())
        if token is None:
            raise UnauthorizedException(detail="Invalid, expired or revoked token.")
        if token.scope != ApiToken.Scope.SCIM:
            raise ForbiddenException(
                detail=f"This token has scope {token.scope}: SCIM provisioning takes a token "
                       "of scope scim only.")
        if not policy.can_administer(token.user):
            raise ForbiddenException(detail="A SCIM token acts as its owner, who must be a "
                                            f"RevOps lead. {policy.ADMINISTER_REFUSED}")
        request.subject = token.user

    def serve(self, request):
        try:
            if self.needs_auth(request):
                self.check_auth(request)
            storage = RevOpsStorage(actor=request.subject)
            response = ScimHandler(self.service, storage).handle(request)
        except Exception as exception:  # noqa: BLE001 - scim2-server answers it (500: logged)
            response = self.handle_exception(request, exception)
        return self.finalize_response(request, response)


APPLICATION = Provisioning(PROVIDER)


@csrf_exempt
def endpoint(request, path):
    base_url = request.build_absolute_uri(reverse("scim-root")).rstrip("/")
    scim_request = ScimRequest(
        method=request.method, base_url=base_url, path="/" + path,
        query=dict(request.GET.items()), headers=list(request.headers.items()),
        body=request.body)
    response = APPLICATION.serve(scim_request)
    body = b"" if response.body is None else json.dumps(response.body).encode()
    return HttpResponse(body, status=response.status.value, headers=response.headers)
