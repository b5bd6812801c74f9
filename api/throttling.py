"""Scoped throttles: `auth` on the token endpoint, `writes` on every unsafe request.

DRF's throttling is not a security control (lockout and MFA are); it keeps one client from
flooding writes. Rates: settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] (env API_THROTTLE_*).

A client is told apart by the same address everything else uses (`core.authn.pseudonymous_ip`:
REMOTE_ADDR, or what our TRUSTED_PROXY_COUNT proxies saw), never by DRF's own `get_ident`, which
believes any `X-Forwarded-For` a client writes when NUM_PROXIES is unset.
"""

from __future__ import annotations

from typing import Any

from rest_framework.throttling import SimpleRateThrottle

from core.authn import pseudonymous_ip


class ClientAddressThrottle(SimpleRateThrottle):
    """A throttle that identifies an anonymous client by its keyed-hash address (no raw IP in the cache)."""

    def get_ident(self, request: Any) -> str:
        return pseudonymous_ip(request)


class WriteThrottle(ClientAddressThrottle):
    scope = "writes"

    def allow_request(self, request: Any, view: Any) -> bool:
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return True
        return super().allow_request(request, view)

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        if request.user and request.user.is_authenticated:
            ident = str(request.user.pk)
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


class AuthThrottle(ClientAddressThrottle):
    """Per client address; axes locks out per username and address on top of this."""

    scope = "auth"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
