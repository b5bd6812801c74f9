"""Scoped throttles: `auth` on the token endpoint, `writes` on every unsafe request.

DRF's throttling is not a security control (lockout and MFA are); it keeps one client from
flooding writes. Rates: settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] (env API_THROTTLE_*).
"""

from __future__ import annotations

from typing import Any

from rest_framework.throttling import SimpleRateThrottle


class WriteThrottle(SimpleRateThrottle):
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


class AuthThrottle(SimpleRateThrottle):
    """Per client address; axes locks out per username and address on top of this."""

    scope = "auth"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
