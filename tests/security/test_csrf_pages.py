"""CSRF: every page of the site refuses a cross-site POST from a signed-in browser (no view is
exempt), including sign-in (login CSRF) and sign-out; the API's session writes are covered in
test_api_attacks.py. The SMS provider's webhooks are the one exception to the CSRF check itself:
the provider posts without a cookie or token, so they read no session and act only on a request
signed with the provider's secret; a cross-site POST still gets 403 and does nothing."""

from __future__ import annotations

import re
import uuid

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from cases.models import AuditEntry
from tests.auth import mfa_verify_client

SAMPLE_ARGS = {"uuid": str(uuid.uuid4()), "str": "sometoken", "int": "1", "slug": "x", "path": "x"}


def page_urls() -> list[str]:
    """Every URL pattern outside the API, with sample values for its parameters."""
    urls: list[str] = []

    def walk(patterns, prefix: str) -> None:
        for p in patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                if route.startswith(("api/", "admin/")):
                    continue
                walk(p.url_patterns, route)
            elif isinstance(p, URLPattern):
                path = re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLE_ARGS.get(m.group(1) or "str", "x"), route)
                urls.append("/" + path.lstrip("^").rstrip("$"))

    walk(get_resolver().url_patterns, "")
    return sorted(set(urls))


# Authenticated by the provider's signature, not the session (web/views/reminders.py).
SIGNED_WEBHOOKS = {"/reminders/sms/status/", "/reminders/sms/inbound/"}

ADMIN_WRITES = ["/admin/cases/event/add/", "/admin/logout/", "/admin/cases/demonstrator/add/",
                "/admin/auth/group/add/", "/admin/cases/user/add/"]  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["administrator", "observer"])
def test_no_page_accepts_a_cross_site_post(request, persona):
    user = request.getfixturevalue(persona)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    mfa_verify_client(browser, user)
    urls = page_urls()
    assert {"/login/", "/logout/", "/security/lockdown/", "/account/logout-everywhere/"} <= set(urls)
    assert len(urls) >= 12
    before = AuditEntry.objects.count()
    for url in [*urls, *ADMIN_WRITES]:
        response = browser.post(url, {"confirm": "LOCK DOWN", "name": "x", "username": "x", "password": "x"})
        assert response.status_code == 403, (url, response.status_code)
        if url in SIGNED_WEBHOOKS:
            continue  # refused for want of the provider's signature (the audit check below holds too)
        assert b"stale or came from somewhere else" in response.content, url
    assert AuditEntry.objects.count() == before  # no view ran: nothing was done, nothing was read
    assert browser.get("/").status_code == 200  # still signed in: logout and lockdown did not happen
    from cases.lockdown import lockdown_is_active

    assert not lockdown_is_active()


@pytest.mark.django_db
def test_login_csrf_a_forged_sign_in_into_the_attackers_account_is_refused(observer):
    victim_browser = Client(enforce_csrf_checks=True)
    response = victim_browser.post(
        "/login/", {"username": observer.username, "password": "correct-horse-battery-staple"}
    )
    assert response.status_code == 403 and "_auth_user_id" not in victim_browser.session
