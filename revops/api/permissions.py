"""DRF's side of the policy: every endpoint asks ``revops.policy``."""

from rest_framework import permissions

from revops import policy
from revops.models import ApiToken


def token_allows(request):
    """A read-scoped token can never write, whatever its user may do."""
    token = request.auth
    if isinstance(token, ApiToken):
        return request.method in permissions.SAFE_METHODS or token.allows_write
    return True


class PolicyPermission(permissions.BasePermission):
    """Reads for every active user; writes refused early for whoever the services would
    refuse, before the request body is validated (a refused caller learns nothing about
    their input). The services ask the policy again: this is never the only check.

    A view names its write rule with ``write_policy``: ``"administer"`` (leads only,
    the default), ``"owned"`` (leads, or the head of the object's owning function:
    checked per object; creating needs a function to head) or ``"signer"`` (the head
    of a function) or ``"reader"`` (every signed-in user: raising a concern). Views may
    route single actions elsewhere with ``action_policies``.
    A view whose very reading is for leads says ``read_policy = "administer"``.
    """

    message = "You do not have permission to perform this action."

    def _rule(self, view):
        return getattr(view, "action_policies", {}).get(
            getattr(view, "action", None), getattr(view, "write_policy", "administer")
        )

    def has_permission(self, request, view):
        if not policy.can_view(request.user):
            return False
        if request.method in permissions.SAFE_METHODS:
            if getattr(view, "read_policy", None) == "administer":
                self.message = policy.ADMINISTER_REFUSED
                return policy.can_administer(request.user)
            return True
        if not token_allows(request):
            self.message = "This token has read scope only."
            return False
        rule = self._rule(view)
        if rule == "owned":
            self.message = policy.CHANGE_REFUSED
            return policy.can_create_owned(request.user)
        if rule == "signer":
            self.message = policy.SIGN_OFF_REFUSED
            return policy.is_head(request.user)
        if rule == "reader":
            return policy.can_raise_concern(request.user)
        self.message = policy.ADMINISTER_REFUSED
        return policy.can_administer(request.user)

    def has_object_permission(self, request, view, obj):
        if request.method in permissions.SAFE_METHODS:
            return True
        rule = self._rule(view)
        if rule == "owned":
            return policy.can_change(request.user, obj)
        if rule in {"signer", "reader"}:
            # signer: which function is signed for is in the body, the service decides
            return True
        return policy.can_administer(request.user)
