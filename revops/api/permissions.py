"""DRF's side of the policy: every endpoint asks ``revops.policy``'s own guards."""

from rest_framework import permissions

from revops import policy
from revops.errors import Refused
from revops.models import ApiToken


def token_allows(request):
    """A read-scoped token can never write, whatever its user may do."""
    token = request.auth
    if isinstance(token, ApiToken):
        return request.method in permissions.SAFE_METHODS or token.allows_write
    return True


def token_scope_problem(request, view):
    """Why the request's token may not use ``view``, or None. A view that declares
    ``token_scope`` takes tokens of that scope only (the metric value endpoints take
    ``metrics:write``); a token of such a narrow scope works on those views only."""
    token = request.auth
    if not isinstance(token, ApiToken):
        return None
    wanted = _declared(view, "token_scope", None)
    if wanted is not None and token.scope != wanted:
        return f"This endpoint takes an API token of scope {wanted}; this one has {token.scope}."
    if wanted is None and token.scope == ApiToken.Scope.METRICS_WRITE:
        return ("This token has scope metrics:write: it sends metric values and nothing "
                "else. Make a read or write token for the rest of the API.")
    return None


class PolicyPermission(permissions.BasePermission):
    """Reads for every active user; writes refused early for whoever the services would
    refuse, before the request body is validated (a refused caller learns nothing about
    their input), with the policy's words. The services ask the policy again: this is
    never the only check.

    A view names the policy's guards (``policy.require_*``) it is answered by:

    - ``write_guard(user)``: asked of every write; ``policy.require_administer`` unless
      the view says otherwise (``None``: every signed-in user, the service decides);
    - ``object_guard(user, obj)``: asked too of a write to one object (e.g.
      ``policy.require_change``: leads, or the head of the object's owning function);
    - ``action_guards = {action: guard(user)}``: what a single action asks instead of
      both (e.g. ``policy.require_head`` for a sign-off, whose function is in the body:
      the service decides about that function);
    - ``read_guard(user)``: for a view whose very reading is for a few;
    - ``token_scope``: the one API token scope the view takes (``token_scope_problem``).
    """

    message = "You do not have permission to perform this action."

    def has_permission(self, request, view):
        if not policy.can_view(request.user):
            return False
        problem = token_scope_problem(request, view)
        if problem:
            self.message = problem
            return False
        if request.method in permissions.SAFE_METHODS:
            return self._asks(_declared(view, "read_guard", None), request.user)
        if _declared(view, "token_scope", None) is None and not token_allows(request):
            self.message = "This token has read scope only."
            return False
        action_guards = _declared(view, "action_guards", {})
        action = getattr(view, "action", None)
        guard = (action_guards[action] if action in action_guards
                 else _declared(view, "write_guard", policy.require_administer))
        return self._asks(guard, request.user)

    def has_object_permission(self, request, view, obj):
        if (request.method in permissions.SAFE_METHODS
                or getattr(view, "action", None) in _declared(view, "action_guards", {})):
            return True
        return self._asks(_declared(view, "object_guard", None), request.user, obj)

    def _asks(self, guard, *args):
        if guard is None:
            return True
        try:
            guard(*args)
        except Refused as refusal:
            self.message = str(refusal)
            return False
        return True


def _declared(view, name, default):
    """A guard the view's class declares (read from the class, so a function stays a
    plain function rather than becoming a method of the view)."""
    return getattr(type(view), name, default)
