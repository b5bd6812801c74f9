"""One client address for every consumer: a client that writes its own X-Forwarded-For gets
neither a fresh throttle bucket, nor a fresh lockout counter, nor another pseudonym in the audit
trail or the logs. Only `client_ip` reads the address headers; the proxies we trust are counted
by TRUSTED_PROXY_COUNT (0 by default)."""

from __future__ import annotations

import inspect
import logging
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.settings import api_settings
from rest_framework.test import APIClient

from api.throttling import AuthThrottle, ClientAddressThrottle
from cases.models import AuditEntry
from core.authn import client_ip, client_ip_hash, pseudonymous_ip
from core.logging import ClientAddress

TOKEN_URL = "/api/v1/auth/token/"
PASSWORD = "correct-horse-battery-staple"


def spoofed(n: int) -> str:
    return f"198.51.100.{n}"


def failed_token_request(client: APIClient, n: int, forwarded_for: str) -> int:
    body = {"username": f"guess{n}", "password": "wrong-password-guess"}
    return client.post(TOKEN_URL, body, format="json", HTTP_X_FORWARDED_FOR=forwarded_for).status_code


def test_trusted_proxy_count_defaults_to_zero():
    assert django_settings.TRUSTED_PROXY_COUNT == 0


@pytest.mark.django_db
def test_spoofed_forwarded_for_does_not_escape_the_token_endpoints_throttle(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert AuthThrottle().num_requests == 10  # the rate this reproduction was written against
    client = APIClient(REMOTE_ADDR="203.0.113.40")
    statuses = [failed_token_request(client, n, spoofed(n)) for n in range(1, 13)]
    assert statuses == [401] * 10 + [429, 429]


@pytest.mark.django_db
def test_behind_one_proxy_the_address_the_proxy_saw_is_throttled_whatever_the_client_prepends(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = APIClient(REMOTE_ADDR="10.0.0.5")
    statuses = [failed_token_request(proxy, n, f"{spoofed(n)}, 203.0.113.41") for n in range(1, 13)]
    assert statuses[-2:] == [429, 429]
    # Another client behind the same proxy has its own bucket.
    assert failed_token_request(proxy, 99, "203.0.113.42") == 401


@pytest.mark.django_db
def test_spoofed_forwarded_for_neither_resets_the_lockout_nor_changes_the_audited_address(observer, settings):
    from axes.models import AccessAttempt

    settings.TRUSTED_PROXY_COUNT = 0
    settings.AXES_FAILURE_LIMIT = 5
    client = Client(REMOTE_ADDR="203.0.113.43")
    for n in range(1, 6):
        client.post(
            "/login/", {"username": observer.username, "password": "wrong-guess"}, HTTP_X_FORWARDED_FOR=spoofed(n)
        )
    client.post("/login/", {"username": observer.username, "password": PASSWORD}, HTTP_X_FORWARDED_FOR=spoofed(6))
    assert "_auth_user_id" not in client.session  # locked out although each attempt claimed another address
    assert AccessAttempt.objects.count() == 1
    hashes = set(AuditEntry.objects.filter(action="auth.login_failed").values_list("ip_hash", flat=True))
    assert len(hashes) == 1 and "" not in hashes


def test_every_consumer_sees_the_same_client_for_spoofed_headers(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    plain = rf.get("/", REMOTE_ADDR="203.0.113.44")
    liar = rf.get("/", REMOTE_ADDR="203.0.113.44", HTTP_X_FORWARDED_FOR="198.51.100.7, 198.51.100.8")
    assert client_ip(liar) == "203.0.113.44"
    assert pseudonymous_ip(liar) == pseudonymous_ip(plain)  # axes and the throttles
    assert client_ip_hash(liar) == client_ip_hash(plain)  # the audit trail and the logs
    records = []
    for request in (plain, liar):
        record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "boom", None, None)
        record.request = request
        ClientAddress().filter(record)
        records.append(record.client)
    assert records[0] == records[1] == client_ip_hash(plain)
    assert "203.0.113.44" not in records[0]


def _throttles_in_use() -> set[type]:
    classes: set[type] = set(api_settings.DEFAULT_THROTTLE_CLASSES)

    def walk(patterns):  # type: ignore[no-untyped-def]
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns)
            elif isinstance(pattern, URLPattern):
                view = getattr(pattern.callback, "cls", None)
                classes.update(getattr(view, "throttle_classes", ()))

    walk(get_resolver().url_patterns)
    return classes


def test_every_api_throttle_identifies_clients_by_the_one_client_address():
    throttles = _throttles_in_use()
    assert AuthThrottle in throttles
    assert all(issubclass(throttle, ClientAddressThrottle) for throttle in throttles), throttles


def test_only_client_ip_reads_the_address_headers():
    root = Path(django_settings.BASE_DIR)
    home = Path(inspect.getsourcefile(client_ip)).resolve()
    # A quoted header name is a read (or a write into a request); a mention in prose is not.
    pattern = re.compile(r"""["'](?:REMOTE_ADDR|HTTP_X_FORWARDED_FOR|X-Forwarded-For)["']""", re.IGNORECASE)
    readers = set()
    for path in root.rglob("*.py"):
        relative = path.relative_to(root).parts
        if relative[0] in {".venv", "tests", "var"} or "node_modules" in relative:
            continue
        if pattern.search(path.read_text(encoding="utf-8")):
            readers.add(path.resolve())
    assert readers == {home}, sorted(str(p) for p in readers)
