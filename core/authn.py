"""Sign-in infrastructure that needs no domain model: client addresses, lockout answers, stored sessions.

- Client IPs are never stored raw. `client_ip` resolves the address (trusting exactly
  TRUSTED_PROXY_COUNT proxies in X-Forwarded-For, so a client cannot spoof it), and is the only
  reader of REMOTE_ADDR and X-Forwarded-For: `pseudonymous_ip` turns it into a keyed-hash IPv6
  address that django-axes and the API throttles lock on, `client_ip_hash` into the keyed hash the
  audit trail and the logs carry.
- A locked-out attempt answers exactly like a wrong password (`lockout_response`), so nobody learns
  whether an account exists, is locked or was mistyped.
- The attempted username reaches the audit trail only as a keyed hash (`subject_hash`);
  django-axes counts failures and locks on that same hash (`lockout_username`), so its table holds
  no typed name either.
- What needs the domain stays in `cases`: the lockdown's sign-in gate
  (`cases.lockdown.LockdownGateBackend`, it reads the lockdown state and roles) and ending
  sessions (`cases.sessions`, it raises the account's session epoch, writes the audit trail and
  tells the other apps through `cases.signals`).

Nothing here may load a model: the logging filters import this module while Django configures
logging, before the apps are loaded.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext_lazy as _

from core.crypto import keyed_hash
from core.problems import is_api_request, problem_json_response


def client_ip(request: HttpRequest | None) -> str:
    """The client's address: REMOTE_ADDR, or the address our own trusted proxies saw.

    With N trusted proxies, the client is the N-th address from the right of X-Forwarded-For;
    anything further left was written by the client and is ignored.
    """
    if request is None:
        return ""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies <= 0:
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    if len(hops) < proxies:
        return remote
    candidate = hops[-proxies]
    try:
        ipaddress.ip_address(candidate)
    except ValueError:
        return remote
    return candidate


def pseudonymous_ip(request: HttpRequest | None) -> str:
    """A stable keyed pseudonym of the client address, shaped as an IPv6 address (fd00::/8, the
    unique-local range) so django-axes can store and compare it in its IP column."""
    ip = client_ip(request) or "unknown"
    digest = bytes.fromhex(keyed_hash(ip, purpose="axes-ip"))  # 12 bytes
    return str(ipaddress.IPv6Address(b"\xfd" + b"\x00" * 3 + digest))


def client_ip_hash(request: HttpRequest | None) -> str:
    """The keyed hash of the client address that the audit trail and the logs carry ("" without one)."""
    ip = client_ip(request)
    return keyed_hash(ip, purpose="ip") if ip else ""


def subject_hash(username: str | None) -> str:
    """A keyed hash of an attempted username, for the audit trail (never the name itself)."""
    return keyed_hash((username or "").strip().casefold(), purpose="username")


def lockout_username(request: HttpRequest | None, credentials: dict[str, Any] | None = None) -> str | None:
    """What django-axes stores and locks on instead of the typed username: its keyed hash
    (`subject_hash`). The same name always gives the same hash, so five failures still lock that
    name; a dump of the lockout table shows no name, even one typed by mistake in the username box."""
    username = (credentials or {}).get("username")
    if username is None and request is not None:
        username = request.POST.get("username")
    return subject_hash(username) if username else None


# The API token endpoint's one answer to every failed sign-in (api.views.auth raises it as a 401).
API_SIGN_IN_FAILED = _("Unable to sign in with these credentials.")


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """What a locked-out attempt sees: exactly the response of a wrong password.

    The axes backend stopped authentication, so the login view (or the API token endpoint)
    has already answered with its ordinary "those details did not work" response. Without one
    (axes' decorators, or its ASGI middleware, which passes the credentials in its place), an API
    request gets the token endpoint's own failure: 401 problem+json, same detail and header.
    """
    if isinstance(original_response, HttpResponse):
        return original_response
    if is_api_request(request):
        return problem_json_response(
            status=401,
            detail=API_SIGN_IN_FAILED,
            code="authentication_failed",
            headers={"WWW-Authenticate": 'Bearer realm="api"'},
        )
    return JsonResponse({"detail": "Unable to sign in with those details."}, status=400)
