"""Request rate limits per API token (per user for session sign-ins)."""

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle


class PerTokenRateThrottle(SimpleRateThrottle):
    """Each token has its own budget, so one runaway client cannot starve the others that
    belong to the same account. Anonymous requests are refused before throttling matters."""

    scope = "token"

    def get_rate(self):
        # Read at request time rather than import time, so a changed setting takes effect.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request, view):
        token = getattr(request, "auth", None)
        token_key = getattr(token, "token_key", None)
        if token_key:
            ident = f"token:{token_key}"
        elif request.user and request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            ident = f"anon:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
