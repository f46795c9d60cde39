import logging

from redis.exceptions import RedisError
from rest_framework.throttling import SimpleRateThrottle

log = logging.getLogger(__name__)


class PrincipalRateThrottle(SimpleRateThrottle):
    """One bucket per token (or per user for sessions, per address when anonymous), kept
    in the shared cache so that every process counts the same requests."""

    scope = "principal"

    def get_cache_key(self, request, view):
        token = request.auth
        if token is not None and hasattr(token, "pk"):
            ident = f"token-{token.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"addr-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def allow_request(self, request, view):
        # A cache that is down must not take the API with it: the throttle guards against
        # floods, it is not a permission.
        try:
            return super().allow_request(request, view)
        except (RedisError, OSError):
            log.warning("throttle: the cache is unreachable; the request is let through")
            return True
