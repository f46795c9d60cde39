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
    """Reads for every active user; writes per the policy.

    A view names its write rule with ``write_policy``: ``"administer"`` (leads only,
    the default) or ``"owned"`` (leads, or the head of the object's owning function:
    checked per object, and for creation by the view through ``policy.can_change``).
    Views may also route single actions elsewhere with ``action_policies``.
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
            return True
        if not token_allows(request):
            self.message = "This token has read scope only."
            return False
        rule = self._rule(view)
        if rule == "administer":
            return policy.can_administer(request.user)
        return rule in {"owned", "signed_in"}

    def has_object_permission(self, request, view, obj):
        if request.method in permissions.SAFE_METHODS:
            return True
        rule = self._rule(view)
        if rule == "owned":
            return policy.can_change(request.user, obj)
        if rule == "signed_in":
            return True
        return policy.can_administer(request.user)
